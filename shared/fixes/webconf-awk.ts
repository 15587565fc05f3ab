/**
 * The one awk program behind the nginx and Apache fixes (POSIX awk: runs on mawk, gawk and busybox).
 * It reads one configuration file, finds the server block to change, and then
 *   get    prints the value of a directive at the block's own level (first one; nothing if absent),
 *   check  exits 0 when the block has exactly the wanted directive line at its level and no other
 *          line of that directive (Apache: nowhere inside the block, including <Location>/<Directory>),
 *   set    prints the file with every such other line commented out and the wanted line added right
 *          after the block's opening line.
 * The block: nginx `server {` blocks, Apache `<VirtualHost>` sections, chosen by port (nginx
 * `listen`, the VirtualHost address) and then host (server_name / ServerName / ServerAlias); exit 3
 * with a message when no single block can be chosen, exit 4 when the edit cannot be made safely.
 * Inputs come from the environment only (CB_SYNTAX, CB_PORT, CB_HOST, CB_ACTION, CB_DIRECTIVE,
 * CB_LINE, CB_NOTE), compared with index() and ==, never used as a regular expression.
 */
export const WEBCONF_AWK = String.raw`
function code_of(line,    i, c, prev) {
  if (syntax == "apache") { return (line ~ /^[ \t]*#/) ? "" : line }
  prev = " "
  for (i = 1; i <= length(line); i++) {
    c = substr(line, i, 1)
    if (c == "#" && (prev == " " || prev == "\t" || prev == ";" || prev == "{" || prev == "}")) return substr(line, 1, i - 1)
    prev = c
  }
  return line
}
function trim(s) { sub(/^[ \t\r]+/, "", s); sub(/[ \t\r]+$/, "", s); return s }
function norm(s) {
  s = trim(s); gsub(/[ \t]+/, " ", s); sub(/ ;$/, ";", s)
  if (syntax == "apache") s = tolower(s)
  return s
}
function first_token(s,    t) { s = trim(s); t = s; sub(/[ \t;{].*$/, "", t); return (syntax == "apache") ? tolower(t) : t }
function rest_of(s,    t) { s = trim(s); t = s; sub(/^[^ \t;]+[ \t]*/, "", t); sub(/[ \t]*;[ \t]*$/, "", t); return trim(t) }
function count_open(s,    t) { t = s; return gsub(/\{/, "", t) }
function count_close(s,    t) { t = s; return gsub(/\}/, "", t) }
function port_of(addr,    p) {
  sub(/;$/, "", addr); sub(/>$/, "", addr)
  if (addr ~ /^[0-9]+$/) return addr
  if (addr ~ /:[0-9]+$/) { p = addr; sub(/^.*:/, "", p); return p }
  return "80"
}
function host_of(name) {
  name = tolower(trim(name)); sub(/;$/, "", name); sub(/^[a-z]+:\/\//, "", name); sub(/:[0-9]+$/, "", name)
  return name
}
function directive_match(code) { return first_token(code) == want }
{ L[NR] = $0 }
END {
  syntax = ENVIRON["CB_SYNTAX"]; action = ENVIRON["CB_ACTION"]; line_new = ENVIRON["CB_LINE"]; note = ENVIRON["CB_NOTE"]
  want = (syntax == "apache") ? tolower(ENVIRON["CB_DIRECTIVE"]) : ENVIRON["CB_DIRECTIVE"]
  port = ENVIRON["CB_PORT"]; host = tolower(ENVIRON["CB_HOST"])
  n = NR; nb = 0; inblk = 0; depth = 0; nest = 0
  for (i = 1; i <= n; i++) {
    code = code_of(L[i]); low = tolower(code)
    if (syntax == "nginx") {
      if (!inblk && code ~ /(^|[ \t;{}])server[ \t]*\{/) { nb++; bs[nb] = i; be[nb] = 0; bdepth = depth; inblk = 1; bp[nb] = " "; bh[nb] = " " }
      if (inblk) { blk[i] = nb; rel[i] = (i == bs[nb]) ? 0 : depth - bdepth }
      depth += count_open(code) - count_close(code)
      if (inblk && rel[i] == 1 && first_token(code) == "listen") { split(rest_of(code), tk, /[ \t]+/); bp[nb] = bp[nb] port_of(tk[1]) " " }
      if (inblk && rel[i] == 1 && first_token(code) == "server_name") { k = split(rest_of(code), tk, /[ \t]+/); for (j = 1; j <= k; j++) bh[nb] = bh[nb] host_of(tk[j]) " " }
      if (inblk && depth <= bdepth) { be[nb] = i; inblk = 0 }
    } else {
      if (!inblk && low ~ /^[ \t]*<virtualhost[ \t>]/) {
        nb++; bs[nb] = i; be[nb] = 0; inblk = 1; nest = 0; bp[nb] = " "; bh[nb] = " "
        a = trim(low); sub(/^<virtualhost[ \t]*/, "", a); sub(/>.*$/, "", a)
        k = split(a, tk, /[ \t]+/); for (j = 1; j <= k; j++) bp[nb] = bp[nb] port_of(tk[j]) " "
        blk[i] = nb; rel[i] = 0; continue
      }
      if (!inblk) continue
      if (low ~ /^[ \t]*<\/virtualhost[ \t]*>/) { be[nb] = i; inblk = 0; blk[i] = nb; rel[i] = 0; continue }
      if (low ~ /^[ \t]*<\//) nest--
      blk[i] = nb; rel[i] = 1 + nest
      if (low ~ /^[ \t]*<[a-z]/) nest++
      t = first_token(code)
      if (rel[i] == 1 && (t == "servername" || t == "serveralias")) { k = split(rest_of(code), tk, /[ \t]+/); for (j = 1; j <= k; j++) bh[nb] = bh[nb] host_of(tk[j]) " " }
    }
  }
  cands = 0
  for (b = 1; b <= nb; b++) if (be[b] > 0 && (port == "" || index(bp[b], " " port " ") > 0)) cand[++cands] = b
  chosen = 0
  if (host != "") { hm = 0; for (c = 1; c <= cands; c++) if (index(bh[cand[c]], " " host " ") > 0) { hm++; hb = cand[c] }; if (hm == 1) chosen = hb }
  if (!chosen && cands == 1) chosen = cand[1]
  if (!chosen) {
    printf "certbench: %d server blocks of this file match port %s%s; cannot tell which one to change\n", cands, (port == "" ? "(any)" : port), (host == "" ? "" : " and host " host) > "/dev/stderr"
    exit 3
  }
  if (action == "get") {
    for (i = bs[chosen] + 1; i < be[chosen]; i++) if (rel[i] == 1 && directive_match(code_of(L[i]))) { print rest_of(code_of(L[i])); exit 0 }
    exit 0
  }
  ok = 0; other = 0
  for (i = bs[chosen] + 1; i < be[chosen]; i++) {
    code = code_of(L[i])
    if (!directive_match(code)) continue
    if (rel[i] == 1 && norm(code) == norm(line_new)) ok++
    else if (rel[i] == 1 || syntax == "apache") { other++; change[i] = 1 }
    if (rel[i] == 1 && norm(code) == norm(line_new)) change[i] = 1
  }
  if (action == "check") exit ((ok == 1 && other == 0) ? 0 : 1)
  if (action != "set") { print "certbench: unknown action " action > "/dev/stderr"; exit 4 }
  if (be[chosen] == bs[chosen]) { print "certbench: the server block is on one line; edit it by hand" > "/dev/stderr"; exit 4 }
  for (i in change) {
    tmp = code_of(L[i])
    if (syntax == "nginx" && gsub(/;/, ";", tmp) > 1) { print "certbench: line " i " holds more than one directive; edit it by hand" > "/dev/stderr"; exit 4 }
  }
  lead = L[bs[chosen] + 1]; sub(/[^ \t].*$/, "", lead); if (lead == "") lead = "    "
  for (i = 1; i <= n; i++) {
    if (i in change) {
      ws = L[i]; sub(/[^ \t].*$/, "", ws); body = L[i]; sub(/^[ \t]+/, "", body)
      print ws "# " body "    # disabled by " note
    } else print L[i]
    # Apache has no comments after a directive: the note goes on its own line, for both servers.
    if (i == bs[chosen]) { print lead "# added by " note; print lead line_new }
  }
}
`;
