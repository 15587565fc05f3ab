import { quotePowerShell } from '../../../shared/scripts/quote';
import { jsonScript } from '../../platform/windows/powershell';

/**
 * The PowerShell side of the second probe client: .NET's SslStream, which is Schannel on Windows
 * (OpenSSL on Linux), presenting a certificate taken from the personal store by thumbprint with its
 * key used where it lives: CNG, CAPI, TPM and smart-card keys, exportable or not (a PIN prompt is the
 * OS's). It is what Windows clients see, as the .NET client of field note 002 was built by hand to see.
 *
 * How the server asks is read from the certificate selection callback (LocalCertificateSelectionCallback):
 * .NET calls it once before the handshake (no server certificate, no issuers) and again when the
 * server sends a CertificateRequest, with the acceptable issuers Schannel decoded from it. The first
 * call answers null so that the second one happens (Schannel's SEC_I_INCOMPLETE_CREDENTIALS path);
 * a call during the response read is a TLS 1.2 renegotiation or a TLS 1.3 post-handshake request.
 *
 * Windows PowerShell 5.1 (.NET Framework 4.x) runs this on servers: no 7-only syntax, and members of
 * newer .NET (NegotiatedCipherSuite, RuntimeInformation) are read only where they exist. The callbacks
 * are script blocks: safe because every SslStream call here is synchronous, so .NET invokes them on
 * this runspace's thread. Every wait is bounded: the connect by WaitOne, reads by ReadTimeout and the
 * overall budget, and the caller kills the process at the deadline.
 */

export interface SslStreamScriptInput {
  host: string;
  port: number;
  /** SNI and the name SslStream checks the server's certificate against (the host for IP targets). */
  servername: string;
  /** The whole HTTP request to send after the handshake. */
  request: string;
  /** SHA-1 thumbprint of the certificate to present, or null to present none. */
  thumbprint: string | null;
  tls: '1.2' | '1.3' | 'default';
  /** Budget for the connection inside PowerShell (the process itself gets a little more). */
  timeoutMs: number;
  maxResponseBytes: number;
  /** Personal-store certificates judged against the issuers (the rest are counted and said). */
  maxCandidates: number;
}

/** SslProtocols values: None lets the OS choose (.NET 4.7+); 12288 is Tls13, numeric for Frameworks whose enum lacks it. */
const PROTOCOLS: Record<SslStreamScriptInput['tls'], number> = { default: 0, '1.2': 3072, '1.3': 12288 };

/** How the script says the thumbprint is in no personal store it could open (the caller turns it into a one-line error). */
export const NOT_IN_STORE = 'not in CurrentUser\\My or LocalMachine\\My';

export function sslStreamProbeScript(input: SslStreamScriptInput): string {
  if (input.thumbprint !== null && !/^[0-9A-F]{40}$/.test(input.thumbprint)) throw new Error('thumbprint must be 40 upper-case hex digits');
  const int = (n: number) => String(Math.max(0, Math.floor(n)));
  const body = `
$hostName = ${quotePowerShell(input.host)}
$port = ${int(input.port)}
$serverName = ${quotePowerShell(input.servername)}
$requestText = ${quotePowerShell(input.request)}
$thumbprint = ${input.thumbprint === null ? '$null' : quotePowerShell(input.thumbprint)}
$protocols = ${int(PROTOCOLS[input.tls])}
$timeoutMs = ${int(input.timeoutMs)}
$maxBytes = ${int(input.maxResponseBytes)}
$maxCandidates = ${int(input.maxCandidates)}
$X = 'System.Security.Cryptography.X509Certificates'
$sw = [Diagnostics.Stopwatch]::StartNew()
$state = @{ phase = 'connect'; chosen = $null; store = $null; serverDer = $null; serverErrors = $null }
$calls = New-Object System.Collections.ArrayList
$events = New-Object System.Collections.ArrayList
$notes = New-Object System.Collections.ArrayList
function Now { [math]::Round($sw.Elapsed.TotalMilliseconds, 1) }
function Left { [int][math]::Max(1, $timeoutMs - $sw.ElapsedMilliseconds) }
function Note-Event([string]$what) { [void]$events.Add([pscustomobject]@{ ms = (Now); what = $what }) }
function Open-My([string]$location) {
  try {
    $s = New-Object "$X.X509Store" -ArgumentList 'My', $location
    $s.Open([System.Security.Cryptography.X509Certificates.OpenFlags]'ReadOnly, OpenExistingOnly')
    return ,$s
  } catch {
    $why = $_.Exception
    if ($null -ne $why.InnerException) { $why = $why.InnerException }
    [void]$notes.Add("$location\\My could not be opened: $($why.Message)")
    return $null
  }
}
function Name-Der([string]$name) {
  try { return [Convert]::ToBase64String((New-Object System.Security.Cryptography.X509Certificates.X500DistinguishedName -ArgumentList $name).RawData) } catch { return $null }
}
function Chain-Above($certificate) {
  # The certificates above this one as Windows builds its chain (no revocation check, errors allowed,
  # a short AIA timeout): what SslStream sends with it and what matches the server's issuer names.
  try {
    $chain = New-Object "$X.X509Chain"
    $chain.ChainPolicy.RevocationMode = [System.Security.Cryptography.X509Certificates.X509RevocationMode]::NoCheck
    $chain.ChainPolicy.VerificationFlags = [System.Security.Cryptography.X509Certificates.X509VerificationFlags]::AllFlags
    $chain.ChainPolicy.UrlRetrievalTimeout = [TimeSpan]::FromSeconds(1)
    [void]$chain.Build($certificate)
    return @($chain.ChainElements | Select-Object -Skip 1 | ForEach-Object { $_.Certificate })
  } catch {
    return @()
  }
}
$stores = @()
foreach ($location in @('CurrentUser', 'LocalMachine')) {
  $opened = Open-My $location
  if ($null -ne $opened) { $stores += ,@($location, $opened) }
}
if ($thumbprint) {
  foreach ($pair in $stores) {
    if ($null -ne $state.chosen) { break }
    $found = $pair[1].Certificates.Find([System.Security.Cryptography.X509Certificates.X509FindType]::FindByThumbprint, $thumbprint, $false)
    if ($found.Count -gt 0) { $state.chosen = $found[0]; $state.store = "$($pair[0])\\My" }
  }
  if ($null -eq $state.chosen) { throw "${NOT_IN_STORE}: $thumbprint" }
}
$select = [System.Net.Security.LocalCertificateSelectionCallback]{
  param($sender, $targetHost, $localCertificates, $remoteCertificate, $acceptableIssuers)
  $issuers = @()
  if ($null -ne $acceptableIssuers) { $issuers = @($acceptableIssuers) }
  $serverKnown = $null -ne $remoteCertificate
  $answer = $null
  if ($null -ne $state.chosen -and ($serverKnown -or $issuers.Count -gt 0)) { $answer = $state.chosen }
  $answered = $null
  if ($null -ne $answer) { $answered = $answer.Thumbprint }
  $when = 'handshake'
  if ($state.phase -eq 'request') { $when = 'after-request' }
  [void]$calls.Add([pscustomobject]@{ ms = (Now); when = $when; serverKnown = $serverKnown; issuers = $issuers; issuerDer = @($issuers | ForEach-Object { Name-Der $_ }); answered = $answered })
  return $answer
}
$validate = [System.Net.Security.RemoteCertificateValidationCallback]{
  param($sender, $certificate, $chain, $errors)
  if ($null -ne $certificate) { $state.serverDer = [Convert]::ToBase64String($certificate.GetRawCertData()) }
  $state.serverErrors = [string]$errors
  return $true
}
$failure = $null
$failedAt = $null
$protocol = $null
$cipher = $null
$mutual = $false
$response = New-Object System.IO.MemoryStream
$truncated = $false
$tcp = New-Object System.Net.Sockets.TcpClient
$ssl = $null
try {
  $pending = $tcp.BeginConnect($hostName, $port, $null, $null)
  if (-not $pending.AsyncWaitHandle.WaitOne((Left))) { throw (New-Object System.TimeoutException -ArgumentList "no TCP connection within $([math]::Round($timeoutMs / 1000, 1)) s") }
  $tcp.EndConnect($pending)
  Note-Event 'connected'
  $tcp.ReceiveTimeout = Left
  $tcp.SendTimeout = Left
  $state.phase = 'handshake'
  $ssl = New-Object System.Net.Security.SslStream -ArgumentList $tcp.GetStream(), $false, $validate, $select
  $offered = New-Object "$X.X509CertificateCollection"
  if ($null -ne $state.chosen) { [void]$offered.Add($state.chosen) }
  $ssl.AuthenticateAsClient($serverName, $offered, [System.Security.Authentication.SslProtocols]$protocols, $false)
  Note-Event 'handshake-done'
  $state.phase = 'request'
  $bytes = [Text.Encoding]::ASCII.GetBytes($requestText)
  $ssl.Write($bytes, 0, $bytes.Length)
  $ssl.Flush()
  Note-Event 'request-sent'
  $buffer = New-Object byte[] 16384
  while ($true) {
    if ($sw.ElapsedMilliseconds -ge $timeoutMs) { [void]$notes.Add('stopped reading the response at the time limit'); break }
    $ssl.ReadTimeout = Left
    $n = $ssl.Read($buffer, 0, $buffer.Length)
    if ($n -le 0) { Note-Event 'closed'; break }
    if ($response.Length -eq 0) { Note-Event 'response' }
    $room = $maxBytes - $response.Length
    if ($n -ge $room) { $response.Write($buffer, 0, $room); $truncated = $true; break }
    $response.Write($buffer, 0, $n)
  }
} catch {
  $failedAt = $state.phase
  $chainText = New-Object System.Collections.ArrayList
  $codes = New-Object System.Collections.ArrayList
  $e = $_.Exception
  $depth = 0
  while ($null -ne $e -and $depth -lt 8) {
    $depth++
    if (-not ($e -is [System.Management.Automation.MethodInvocationException])) {
      $native = $null
      if ($e -is [System.ComponentModel.Win32Exception]) { $native = $e.NativeErrorCode }
      [void]$chainText.Add("$($e.GetType().FullName): $($e.Message)")
      [void]$codes.Add([pscustomobject]@{ type = $e.GetType().FullName; message = [string]$e.Message; hresult = $e.HResult; native = $native })
    }
    $e = $e.InnerException
  }
  $failure = [pscustomobject]@{ chain = $codes; text = ($chainText -join ' | ') }
  Note-Event 'failed'
}
if ($null -ne $ssl) {
  try { if ($ssl.IsAuthenticated) { $protocol = [string]$ssl.SslProtocol; $mutual = [bool]$ssl.IsMutuallyAuthenticated } } catch { }
  try {
    if ($ssl.IsAuthenticated) {
      if ($ssl | Get-Member -Name NegotiatedCipherSuite) { $cipher = [string]$ssl.NegotiatedCipherSuite }
      else { $cipher = "$($ssl.CipherAlgorithm) $($ssl.CipherStrength)-bit, $($ssl.HashAlgorithm), $($ssl.KeyExchangeAlgorithm)" }
    }
  } catch { }
  try { $ssl.Dispose() } catch { }
}
try { $tcp.Close() } catch { }
$candidates = New-Object System.Collections.ArrayList
$asked = @($calls | Where-Object { $_.serverKnown -or @($_.issuers).Count -gt 0 }).Count -gt 0
$seen = 0
if ($asked) {
  foreach ($pair in $stores) {
    foreach ($c in $pair[1].Certificates) {
      $seen++
      if ($candidates.Count -ge $maxCandidates -or $sw.ElapsedMilliseconds -ge ($timeoutMs + 5000)) { continue }
      $above = @(Chain-Above $c | ForEach-Object { [Convert]::ToBase64String($_.SubjectName.RawData) })
      [void]$candidates.Add([pscustomobject]@{ store = "$($pair[0])\\My"; der = [Convert]::ToBase64String($c.RawData); hasKey = [bool]$c.HasPrivateKey; above = $above })
    }
  }
  if ($seen -gt $candidates.Count) { [void]$notes.Add("judged $($candidates.Count) of the $seen personal certificates (bound $maxCandidates or time)") }
}
foreach ($pair in $stores) { try { $pair[1].Close() } catch { } }
$framework = $null
try { $framework = [System.Runtime.InteropServices.RuntimeInformation]::FrameworkDescription } catch { $framework = ".NET CLR $([Environment]::Version)" }
$chosenOut = $null
if ($null -ne $state.chosen) { $chosenOut = [pscustomobject]@{ thumbprint = $state.chosen.Thumbprint; store = $state.store; der = [Convert]::ToBase64String($state.chosen.RawData); hasKey = [bool]$state.chosen.HasPrivateKey; chain = @(Chain-Above $state.chosen | ForEach-Object { [Convert]::ToBase64String($_.RawData) }) } }
[pscustomobject]@{
  client = 'powershell'
  powershell = $PSVersionTable.PSVersion.ToString()
  edition = [string]$PSVersionTable.PSEdition
  framework = [string]$framework
  os = [string][Environment]::OSVersion.Platform
  certificate = $chosenOut
  protocol = $protocol
  cipher = $cipher
  mutual = $mutual
  events = $events
  calls = $calls
  serverDer = $state.serverDer
  serverErrors = $state.serverErrors
  response = [Convert]::ToBase64String($response.ToArray())
  truncated = $truncated
  failedAt = $failedAt
  failure = $failure
  candidates = $candidates
  notes = $notes
}
`;
  return jsonScript(body);
}
