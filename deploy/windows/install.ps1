<#
.SYNOPSIS
  Installs FeedDigest as a Windows service, or removes it (-Uninstall).

.DESCRIPTION
  Run from an elevated PowerShell, next to a win-x64 publish (README.md, "Run as a Windows service"):
    dotnet publish src/FeedDigest.Service -c Release -r win-x64 --self-contained -p:PublishSingleFile=true -o publish\win-x64
    .\deploy\windows\install.ps1 -BinaryDirectory publish\win-x64

  The service runs as "NT SERVICE\FeedDigest" (a virtual account of its own), starts automatically,
  restarts after a failure (after 10 s, 60 s, then every 5 min; the failure count resets after a day),
  and writes its log to the Application event log under the source "FeedDigest". The binary goes to
  %ProgramFiles%\FeedDigest; the configuration and the database to %ProgramData%\FeedDigest, which only
  the service account and administrators may read. Secrets go in a key-per-file directory
  (%ProgramData%\FeedDigest\secrets, one file per setting, e.g. FeedDigest__Mail__Smtp__Password),
  never in appsettings.json.

  -Uninstall stops and deletes the service and the event log source, and keeps %ProgramData%\FeedDigest
  (configuration and database) unless -RemoveData is given too.
#>
[CmdletBinding()]
param(
    [string] $BinaryDirectory = (Join-Path $PSScriptRoot '..\..\publish\win-x64'),
    [string] $ServiceName = 'FeedDigest',
    [string] $InstallDirectory = (Join-Path $env:ProgramFiles 'FeedDigest'),
    [string] $DataDirectory = (Join-Path $env:ProgramData 'FeedDigest'),
    [switch] $Uninstall,
    [switch] $RemoveData
)

$ErrorActionPreference = 'Stop'
$principal = New-Object Security.Principal.WindowsPrincipal([Security.Principal.WindowsIdentity]::GetCurrent())
if (-not $principal.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)) {
    throw 'Run this script from an elevated PowerShell (Run as administrator).'
}

function Remove-FeedDigestService {
    $existing = Get-Service -Name $ServiceName -ErrorAction SilentlyContinue
    if ($existing) {
        if ($existing.Status -ne 'Stopped') {
            # A stop lets in-flight sends finish (FeedDigest:ShutdownTimeout); unsent digests stay in the outbox.
            Stop-Service -Name $ServiceName
            $existing.WaitForStatus('Stopped', [TimeSpan]::FromMinutes(2))
        }
        & sc.exe delete $ServiceName | Out-Null
        Write-Host "Service $ServiceName removed."
    }
    if ([System.Diagnostics.EventLog]::SourceExists($ServiceName)) {
        Remove-EventLog -Source $ServiceName
        Write-Host "Event log source $ServiceName removed."
    }
}

if ($Uninstall) {
    Remove-FeedDigestService
    if (Test-Path $InstallDirectory) { Remove-Item -Recurse -Force $InstallDirectory }
    if ($RemoveData -and (Test-Path $DataDirectory)) {
        Remove-Item -Recurse -Force $DataDirectory
        Write-Host "$DataDirectory removed."
    } else {
        Write-Host "Configuration and database kept in $DataDirectory."
    }
    return
}

$binary = Join-Path $BinaryDirectory 'feeddigest.exe'
if (-not (Test-Path $binary)) {
    throw "No feeddigest.exe in $BinaryDirectory: publish for win-x64 first (see the help at the top of this script)."
}

# A reinstall replaces the binary and keeps the configuration and the database.
Remove-FeedDigestService
New-Item -ItemType Directory -Force -Path $InstallDirectory, $DataDirectory, (Join-Path $DataDirectory 'secrets') | Out-Null
Copy-Item -Force (Join-Path $BinaryDirectory '*') $InstallDirectory
$config = Join-Path $DataDirectory 'appsettings.json'
if (-not (Test-Path $config)) {
    Copy-Item (Join-Path $PSScriptRoot '..\..\appsettings.example.json') $config
    Write-Host "Created $config from the example: edit it, then: Restart-Service $ServiceName"
}

# The log goes to the Application event log under this source (the host's EventLog provider).
New-EventLog -LogName Application -Source $ServiceName -ErrorAction SilentlyContinue

$exe = Join-Path $InstallDirectory 'feeddigest.exe'
New-Service -Name $ServiceName `
    -BinaryPathName "`"$exe`" run --config `"$config`"" `
    -DisplayName 'FeedDigest' `
    -Description 'Feed-to-email digests: polls feeds, emails each subscriber the stories on their topics.' `
    -StartupType Automatic | Out-Null

# Its own virtual account, and the working directory is the data directory (the database lives in data\).
& sc.exe config $ServiceName obj= "NT SERVICE\$ServiceName" | Out-Null
Set-ItemProperty -Path "HKLM:\SYSTEM\CurrentControlSet\Services\$ServiceName" -Name Environment -Type MultiString `
    -Value @("FeedDigest__SecretsDirectory=$(Join-Path $DataDirectory 'secrets')", 'DOTNET_ENVIRONMENT=Production')

# Recovery: restart after 10 s, then 60 s, then every 5 minutes; reset the count after a day without failure.
& sc.exe failure $ServiceName reset= 86400 actions= restart/10000/restart/60000/restart/300000 | Out-Null
# Also when the process exits with an error code, not only when it crashes.
& sc.exe failureflag $ServiceName 1 | Out-Null

# Only the service account, SYSTEM and administrators may read the configuration, the secrets and the database.
& icacls.exe $DataDirectory /inheritance:r /grant:r "NT SERVICE\${ServiceName}:(OI)(CI)M" 'SYSTEM:(OI)(CI)F' 'Administrators:(OI)(CI)F' | Out-Null

Start-Service -Name $ServiceName
Write-Host "Service $ServiceName installed and started. Log: Event Viewer, Windows Logs, Application, source $ServiceName."
