# Certbench test harness, run by real PowerShell 7 (tests/helpers/pwsh-harness.ts). It reads one JSON
# request file ({ mode, items: [{ name, script64 }] }, each script as base64 of its UTF-16LE code
# units) and writes one JSON answer file, so scripts and values never pass through a command line. Written for Windows PowerShell 5.1 as well (the harness checks this file with itself): 7-only
# AST types are recognised by their type names, never referenced as types.
#
# Modes:
#   check     for each script: the parse errors of Parser.ParseInput and every construct or
#             command parameter that Windows PowerShell 5.1 does not have (about_PowerShell_Editions,
#             "What's New in PowerShell 7.x").
#   literals  for each script, one line: the kinds of its tokens, its parse errors, and the value of
#             each string token as base64 of UTF-16LE code units (lone surrogates and NUL survive).
param(
  [Parameter(Mandatory = $true)][string]$RequestFile,
  [Parameter(Mandatory = $true)][string]$AnswerFile
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

# Base64 of a string's UTF-16LE code units, copied as they are: Encoding.Unicode would replace a lone
# surrogate with U+FFFD.
function ConvertTo-CertbenchUtf16Base64([string]$Text) {
  $chars = $Text.ToCharArray()
  $bytes = [byte[]]::new($chars.Length * 2)
  [Buffer]::BlockCopy($chars, 0, $bytes, 0, $bytes.Length)
  return [Convert]::ToBase64String($bytes)
}

# The reverse, for the scripts of the request: a JSON string with a lone surrogate escaped as \udXXX
# would come out of ConvertFrom-Json as U+FFFD.
function ConvertFrom-CertbenchUtf16Base64([string]$Base64) {
  $bytes = [Convert]::FromBase64String($Base64)
  $chars = [char[]]::new($bytes.Length / 2)
  [Buffer]::BlockCopy($bytes, 0, $chars, 0, $bytes.Length)
  return [string]::new($chars)
}

# Commands that Windows PowerShell 5.1 does not have.
$MissingCommands = @(
  'Join-String', 'Test-Json', 'Get-Error', 'ConvertFrom-Markdown', 'Show-Markdown', 'Get-MarkdownOption',
  'Set-MarkdownOption', 'Get-Uptime', 'Remove-Alias', 'Remove-Service', 'Get-ExperimentalFeature',
  'Enable-ExperimentalFeature', 'Disable-ExperimentalFeature', 'Get-PSSubsystem', 'Get-SecureRandom',
  'ConvertTo-CliXml', 'ConvertFrom-CliXml', 'Get-PSResource', 'Install-PSResource'
)

# Parameters added after 5.1, per command (a prefix of one counts: PowerShell accepts unique prefixes).
$NewParameters = @{
  'ConvertFrom-Json' = @('AsHashtable', 'Depth', 'NoEnumerate', 'DateKind')
  'ConvertTo-Json' = @('EscapeHandling', 'AsArray', 'EnumsAsStrings')
  'Get-Content' = @('AsByteStream')
  'Set-Content' = @('AsByteStream')
  'Add-Content' = @('AsByteStream')
  'Invoke-WebRequest' = @('SkipCertificateCheck', 'SslProtocol', 'Authentication', 'Token', 'SkipHeaderValidation', 'MaximumRetryCount', 'RetryIntervalSec', 'Resume', 'SkipHttpErrorCheck', 'StatusCodeVariable', 'ResponseHeadersVariable', 'Form', 'NoProxy', 'HttpVersion', 'AllowUnencryptedAuthentication', 'PreserveAuthorizationOnRedirect', 'ConnectionTimeoutSeconds', 'OperationTimeoutSeconds', 'AllowInsecureRedirect', 'CustomMethod', 'PreserveHttpMethodOnRedirect', 'UnixSocket')
  'Invoke-RestMethod' = @('SkipCertificateCheck', 'SslProtocol', 'Authentication', 'Token', 'SkipHeaderValidation', 'MaximumRetryCount', 'RetryIntervalSec', 'Resume', 'SkipHttpErrorCheck', 'StatusCodeVariable', 'ResponseHeadersVariable', 'Form', 'NoProxy', 'HttpVersion', 'AllowUnencryptedAuthentication', 'PreserveAuthorizationOnRedirect', 'ConnectionTimeoutSeconds', 'OperationTimeoutSeconds', 'AllowInsecureRedirect', 'CustomMethod', 'PreserveHttpMethodOnRedirect', 'UnixSocket', 'FollowRelLink', 'MaximumFollowRelLink')
  'ForEach-Object' = @('Parallel', 'ThrottleLimit', 'TimeoutSeconds', 'AsJob', 'UseNewRunspace')
  'Select-String' = @('Raw', 'NoEmphasis', 'Culture')
  'Test-Connection' = @('TargetName', 'TcpPort', 'Ping', 'Traceroute', 'MtuSize', 'Repeat', 'IPv4', 'IPv6', 'ResolveDestination', 'TimeoutSeconds', 'Detailed')
  'Split-Path' = @('Extension', 'LeafBase')
  'Join-Path' = @('AdditionalChildPath')
  'Get-Date' = @('AsUTC', 'UnixTimeSeconds')
  'Sort-Object' = @('Top', 'Bottom', 'Stable')
  'Select-Object' = @('SkipIndex', 'CaseInsensitive', 'SkipLastIndex')
  'Export-Csv' = @('UseQuotes', 'QuoteFields', 'IncludeTypeInformation')
  'ConvertTo-Csv' = @('UseQuotes', 'QuoteFields', 'IncludeTypeInformation')
  'Start-Process' = @('Environment')
  'Get-Random' = @('Shuffle')
  'Format-Hex' = @('Count', 'Offset')
  'Get-ChildItem' = @('FollowSymlink')
  'Remove-Item' = @('ProgressAction')
}

# Values of -Encoding that 5.1 does not know (it has UTF8, with a BOM, and no code page numbers).
$NewEncodings = @('utf8NoBOM', 'utf8BOM', 'ansi', 'latin1')
$EncodingCommands = @('Get-Content', 'Set-Content', 'Add-Content', 'Out-File', 'Export-Csv', 'Import-Csv', 'Select-String', 'Export-Clixml', 'Send-MailMessage')

# Aliases 5.1 also has, so `%`, `?`, `iwr` ... are checked as their commands.
$Aliases = @{
  '%' = 'ForEach-Object'; 'foreach' = 'ForEach-Object'; '?' = 'Where-Object'; 'where' = 'Where-Object'
  'select' = 'Select-Object'; 'sort' = 'Sort-Object'; 'iwr' = 'Invoke-WebRequest'; 'irm' = 'Invoke-RestMethod'
  'curl' = 'Invoke-WebRequest'; 'wget' = 'Invoke-WebRequest'; 'gc' = 'Get-Content'; 'cat' = 'Get-Content'
  'type' = 'Get-Content'; 'sc' = 'Set-Content'; 'ac' = 'Add-Content'; 'gci' = 'Get-ChildItem'; 'ls' = 'Get-ChildItem'
  'dir' = 'Get-ChildItem'; 'sls' = 'Select-String'; 'epcsv' = 'Export-Csv'; 'rm' = 'Remove-Item'; 'del' = 'Remove-Item'
  'ri' = 'Remove-Item'; 'saps' = 'Start-Process'; 'start' = 'Start-Process'
}

# Automatic variables that only PowerShell 6+ sets (unset in 5.1, an error under Set-StrictMode).
$NewVariables = @('IsWindows', 'IsLinux', 'IsMacOS', 'IsCoreCLR', 'PSStyle', 'EnabledExperimentalFeatures', 'PSNativeCommandArgumentPassing', 'PSNativeCommandUseErrorActionPreference')

# .NET members that .NET Framework 4.x (under Windows PowerShell 5.1) does not have.
$NewStaticMembers = @('ToHexString', 'ToHexStringLower', 'FromHexString', 'IsWindows', 'IsLinux', 'IsMacOS', 'IsFreeBSD', 'CreateFromPem', 'CreateFromPemFile', 'CreateFromEncryptedPem', 'CreateFromEncryptedPemFile', 'GetRelativePath', 'ProcessPath', 'ProcessId', 'IsPrivilegedProcess', 'GetInt32', 'Fill', 'LoadPkcs12', 'LoadCertificate', 'LoadCertificateFromFile', 'LoadPkcs12FromFile')
$NewInstanceMembers = @('ExportCertificatePem', 'ReplaceLineEndings', 'ImportFromPem', 'ImportFromEncryptedPem', 'ExportPkcs8PrivateKeyPem', 'ExportSubjectPublicKeyInfoPem', 'ExportRSAPrivateKeyPem', 'GetECDiffieHellmanPrivateKey', 'CopyWithPrivateKey')

# The parameters (and aliases) of a command that are not in its 7-only list, from this PowerShell's
# own command metadata; empty for a command this machine lacks (then any prefix counts).
$OldParameterCache = @{}
function Get-CertbenchOldParameters([string]$Name, $NewNames) {
  if (-not $OldParameterCache.ContainsKey($Name)) {
    $names = @()
    $cmd = Get-Command -Name $Name -CommandType Cmdlet, Function -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($cmd) {
      foreach ($param in $cmd.Parameters.Values) {
        if ($NewNames -contains $param.Name) { continue }
        $names += $param.Name
        $names += @($param.Aliases)
      }
    }
    $OldParameterCache[$Name] = $names
  }
  return $OldParameterCache[$Name]
}

function Get-CertbenchCommandFindings($Command, $Add) {
  $name = $Command.GetCommandName()
  if (-not $name) { return }
  $canonical = $name
  if ($Aliases.ContainsKey($name.ToLowerInvariant())) { $canonical = $Aliases[$name.ToLowerInvariant()] }
  if ($MissingCommands -contains $canonical) { & $Add 'command-missing-in-5.1' $Command.CommandElements[0] ($canonical + ' does not exist in Windows PowerShell 5.1') }
  $elements = @($Command.CommandElements)
  $newParams = @()
  foreach ($key in $NewParameters.Keys) { if ($key -eq $canonical) { $newParams = $NewParameters[$key] } }
  $positional = 0
  for ($i = 1; $i -lt $elements.Count; $i++) {
    $e = $elements[$i]
    if ($e.GetType().Name -ne 'CommandParameterAst') {
      $positional++
      continue
    }
    $p = $e.ParameterName
    foreach ($np in $newParams) {
      if ($p.Length -eq 0 -or -not $np.StartsWith($p, [StringComparison]::OrdinalIgnoreCase)) { continue }
      # A prefix that is (or starts) a parameter 5.1 also has means that one: -Leaf is not -LeafBase.
      $old = @(Get-CertbenchOldParameters $canonical $newParams | Where-Object { $_.StartsWith($p, [StringComparison]::OrdinalIgnoreCase) })
      if ($np -ne $p -and $old.Count -gt 0) { continue }
      & $Add 'parameter-missing-in-5.1' $e ($canonical + ' -' + $np + ' does not exist in Windows PowerShell 5.1')
    }
    $takesValue = ($null -eq $e.Argument) -and ($i + 1 -lt $elements.Count) -and ($elements[$i + 1].GetType().Name -ne 'CommandParameterAst')
    $value = $e.Argument
    if ($takesValue -and -not ('Resolve', 'Raw', 'Force', 'NoNewline', 'Append', 'Compress', 'PassThru', 'Wait', 'Recurse', 'UseBasicParsing', 'NoTypeInformation', 'Unique', 'Descending' | Where-Object { $_.StartsWith($p, [StringComparison]::OrdinalIgnoreCase) })) {
      $value = $elements[$i + 1]
      $i++
    }
    if ('Encoding'.StartsWith($p, [StringComparison]::OrdinalIgnoreCase) -and $p.Length -ge 3 -and ($EncodingCommands -contains $canonical) -and $null -ne $value) {
      $v = $value.Extent.Text.Trim([char[]]@([char]39, [char]34))
      if ($NewEncodings -contains $v) { & $Add 'encoding-missing-in-5.1' $value ('-Encoding ' + $v + ' does not exist in Windows PowerShell 5.1') }
      if ($v -match '^\d+$') { & $Add 'encoding-missing-in-5.1' $value ('-Encoding with a code page number needs PowerShell 7.2') }
    }
  }
  if ($canonical -eq 'Join-Path' -and $positional -gt 2) { & $Add 'parameter-missing-in-5.1' $Command ('Join-Path with more than one child path needs PowerShell 6 (-AdditionalChildPath)') }
}

function Get-CertbenchFindings($Ast, $Tokens) {
  $found = New-Object System.Collections.Generic.List[object]
  $add = {
    param([string]$Kind, $Node, [string]$Why)
    $found.Add([pscustomobject]@{ kind = $Kind; text = [string]$Node.Extent.Text; line = [int]$Node.Extent.StartLineNumber; column = [int]$Node.Extent.StartColumnNumber; why = $Why })
  }
  foreach ($n in [CertbenchAstFilter]::Find($Ast)) {
    $type = $n.GetType().Name
    switch ($type) {
      'TernaryExpressionAst' { & $add 'ternary' $n 'the ternary operator a ? b : c needs PowerShell 7' }
      'PipelineChainAst' {
        & $add 'pipeline-chain' $n ('the pipeline chain operator ' + $n.Operator + ' needs PowerShell 7')
        if ($n.Background) { & $add 'background' $n 'a background & at the end of a pipeline needs PowerShell 6' }
      }
      'BinaryExpressionAst' {
        $op = [string]$n.Operator
        if ($op -eq 'QuestionQuestion') { & $add 'null-coalescing' $n 'the null-coalescing operator ?? needs PowerShell 7' }
        if (($op -eq 'Ireplace' -or $op -eq 'Creplace' -or $op -eq 'Replace') -and $n.Right.GetType().Name -eq 'ArrayLiteralAst') {
          foreach ($el in @($n.Right.Elements)) { if ($el.GetType().Name -eq 'ScriptBlockExpressionAst') { & $add 'replace-scriptblock' $n '-replace with a script block needs PowerShell 6.1 (5.1 uses the block text)' } }
        }
      }
      'AssignmentStatementAst' {
        if ([string]$n.Operator -eq 'QuestionQuestionEquals') { & $add 'null-coalescing-assignment' $n 'the ??= operator needs PowerShell 7' }
      }
      { $_ -eq 'MemberExpressionAst' -or $_ -eq 'InvokeMemberExpressionAst' -or $_ -eq 'IndexExpressionAst' } {
        if ($n.PSObject.Properties['NullConditional'] -and $n.NullConditional) {
          if ($type -eq 'IndexExpressionAst') { & $add 'null-conditional-index' $n 'the null-conditional ?[] needs PowerShell 7' }
          else { & $add 'null-conditional-member' $n 'the null-conditional ?. needs PowerShell 7' }
        }
        if ($type -ne 'IndexExpressionAst' -and $n.Member.GetType().Name -eq 'StringConstantExpressionAst') {
          $member = [string]$n.Member.Value
          if ($n.Static -and ($NewStaticMembers -contains $member)) { & $add 'dotnet-missing-in-5.1' $n ('::' + $member + ' does not exist in .NET Framework 4.x (Windows PowerShell 5.1)') }
          if ((-not $n.Static) -and ($NewInstanceMembers -contains $member)) { & $add 'dotnet-missing-in-5.1' $n ('.' + $member + '() does not exist in .NET Framework 4.x (Windows PowerShell 5.1)') }
          if ($type -eq 'InvokeMemberExpressionAst' -and $member -eq 'Split' -and $null -ne $n.Arguments -and @($n.Arguments).Count -eq 1) {
            $arg = @($n.Arguments)[0]
            if ($arg.GetType().Name -eq 'StringConstantExpressionAst' -and ([string]$arg.Value).Length -gt 1) { & $add 'dotnet-missing-in-5.1' $n '.Split(string) splits on each character in .NET Framework 4.x (Windows PowerShell 5.1)' }
          }
        }
      }
      'PipelineAst' {
        if ($n.PSObject.Properties['Background'] -and $n.Background) { & $add 'background' $n 'a background & at the end of a pipeline needs PowerShell 6' }
      }
      'ScriptBlockAst' {
        if ($n.PSObject.Properties['CleanBlock'] -and $null -ne $n.CleanBlock) { & $add 'clean-block' $n.CleanBlock 'a clean {} block needs PowerShell 7.3' }
        $req = $n.ScriptRequirements
        if ($null -ne $req) {
          if ($null -ne $req.RequiredPSVersion -and $req.RequiredPSVersion -gt [version]'5.1') { & $add 'requires-newer' $n ('#requires -Version ' + $req.RequiredPSVersion) }
          if ($null -ne $req.RequiredPSEditions -and (@($req.RequiredPSEditions) -contains 'Core') -and -not (@($req.RequiredPSEditions) -contains 'Desktop')) { & $add 'requires-newer' $n '#requires -PSEdition Core' }
        }
      }
      'VariableExpressionAst' {
        $vp = $n.VariablePath
        if (($vp.IsUnqualified -or $vp.IsGlobal) -and ($NewVariables -contains $vp.UserPath.Split(':')[-1])) { & $add 'variable-missing-in-5.1' $n ('$' + $vp.UserPath + ' is not set by Windows PowerShell 5.1') }
      }
      'CommandAst' { Get-CertbenchCommandFindings $n $add }
    }
  }
  # `u{...} escapes (PowerShell 6): in 5.1 the backtick is dropped and u{...} stays as text. Expandable
  # strings and bare words both process escapes; an even run of backticks before the u is literal.
  foreach ($t in [CertbenchAstFilter]::EscapeTokens($Tokens)) {
    if ($t.Text -match '(^|[^`])(``)*`u\{') {
      $found.Add([pscustomobject]@{ kind = 'unicode-escape'; text = [string]$t.Text; line = [int]$t.Extent.StartLineNumber; column = [int]$t.Extent.StartColumnNumber; why = 'the `u{...} escape needs PowerShell 6' })
    }
  }
  return , $found.ToArray()
}

# A compiled pre-filter: walking every AST node and token in script code costs seconds per hundred
# scripts, so C# picks the few nodes and tokens worth a look and the script code above judges them.
# 7-only AST properties are read by reflection, so this compiles against 5.1's assembly too.
function Initialize-CertbenchAstFilter {
Add-Type -TypeDefinition @'
using System;
using System.Collections.Generic;
using System.Management.Automation.Language;

public static class CertbenchAstFilter
{
    public static HashSet<string> Commands = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
    public static HashSet<string> Variables = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
    public static HashSet<string> Members = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    static bool Flag(Ast n, string property)
    {
        var p = n.GetType().GetProperty(property);
        if (p == null) return false;
        var v = p.GetValue(n, null);
        return p.PropertyType == typeof(bool) ? (bool)v : v != null;
    }

    static bool Interesting(Ast n)
    {
        string type = n.GetType().Name;
        if (type == "TernaryExpressionAst" || type == "PipelineChainAst") return true;
        var bin = n as BinaryExpressionAst;
        if (bin != null) { string op = bin.Operator.ToString(); return op == "QuestionQuestion" || op.EndsWith("eplace"); }
        var assign = n as AssignmentStatementAst;
        if (assign != null) return assign.Operator.ToString() == "QuestionQuestionEquals";
        var member = n as MemberExpressionAst;
        if (member != null)
        {
            if (Flag(n, "NullConditional")) return true;
            var name = member.Member as StringConstantExpressionAst;
            return name != null && Members.Contains(name.Value);
        }
        if (n is IndexExpressionAst) return Flag(n, "NullConditional");
        if (n is PipelineAst) return Flag(n, "Background");
        var block = n as ScriptBlockAst;
        if (block != null) return Flag(n, "CleanBlock") || block.ScriptRequirements != null;
        var variable = n as VariableExpressionAst;
        if (variable != null) { string[] parts = variable.VariablePath.UserPath.Split(':'); return Variables.Contains(parts[parts.Length - 1]); }
        var command = n as CommandAst;
        if (command != null) { string c = command.GetCommandName(); return c != null && Commands.Contains(c); }
        return false;
    }

    public static Ast[] Find(Ast ast)
    {
        return new List<Ast>(ast.FindAll(Interesting, true)).ToArray();
    }

    public static Token[] EscapeTokens(Token[] tokens)
    {
        var found = new List<Token>();
        var stack = new Stack<Token>(tokens);
        while (stack.Count > 0)
        {
            Token t = stack.Pop();
            var s = t as StringExpandableToken;
            if (s != null && s.NestedTokens != null) foreach (Token nested in s.NestedTokens) stack.Push(nested);
            bool kind = t.Kind == TokenKind.StringExpandable || t.Kind == TokenKind.HereStringExpandable || t.Kind == TokenKind.Generic;
            if (kind && t.Text.Contains("`u{")) found.Add(t);
        }
        return found.ToArray();
    }
}
'@
foreach ($c in @($MissingCommands) + @($NewParameters.Keys) + @($Aliases.Keys) + $EncodingCommands + @('Join-Path')) { [void][CertbenchAstFilter]::Commands.Add($c) }
foreach ($v in $NewVariables) { [void][CertbenchAstFilter]::Variables.Add($v) }
foreach ($m in @($NewStaticMembers) + $NewInstanceMembers + @('Split')) { [void][CertbenchAstFilter]::Members.Add($m) }
}

$request = Get-Content -LiteralPath $RequestFile -Raw -Encoding UTF8 | ConvertFrom-Json
if ($request.mode -ne 'literals') { Initialize-CertbenchAstFilter }
$answers = New-Object System.Collections.Generic.List[object]
# The literals answer is one line per script (10,000 objects through ConvertTo-Json take seconds):
# token kinds, TAB, the parse error messages as base64, TAB, the string values as base64 joined by ','.
$lines = New-Object System.Collections.Generic.List[string]
foreach ($item in @($request.items)) {
  $tokens = $null
  $errors = $null
  $ast = [System.Management.Automation.Language.Parser]::ParseInput((ConvertFrom-CertbenchUtf16Base64 $item.script64), [ref]$tokens, [ref]$errors)
  if ($request.mode -eq 'literals') { $parseErrors = $null } else { $parseErrors = @(foreach ($e in $errors) { [pscustomobject]@{ id = [string]$e.ErrorId; message = [string]$e.Message; line = [int]$e.Extent.StartLineNumber; column = [int]$e.Extent.StartColumnNumber } }) }
  if ($request.mode -eq 'literals') {
    $kinds = [System.Collections.Generic.List[string]]::new()
    $values = [System.Collections.Generic.List[string]]::new()
    foreach ($t in $tokens) {
      $kinds.Add([string]$t.Kind)
      if ($t -is [System.Management.Automation.Language.StringToken]) { $values.Add((ConvertTo-CertbenchUtf16Base64 $t.Value)) }
    }
    $messages = ''
    if ($errors.Count -gt 0) { $messages = ConvertTo-CertbenchUtf16Base64 (($errors | ForEach-Object { $_.Message }) -join [char]10) }
    $lines.Add(($kinds -join ' ') + [char]9 + $messages + [char]9 + ($values -join ','))
  } else {
    $answers.Add([pscustomobject]@{ name = [string]$item.name; parseErrors = $parseErrors; findings = (Get-CertbenchFindings $ast $tokens) })
  }
}
if ($request.mode -eq 'literals') {
  [IO.File]::WriteAllText($AnswerFile, ($lines -join [char]10), (New-Object Text.UTF8Encoding($false)))
} else {
  $json = ConvertTo-Json -InputObject @($answers.ToArray()) -Depth 6 -Compress
  [IO.File]::WriteAllText($AnswerFile, $json, (New-Object Text.UTF8Encoding($false)))
}
