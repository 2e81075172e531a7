<#
.SYNOPSIS
  Check every wheel in this folder against SHA256SUMS before installing (Windows).
.DESCRIPTION
  The PowerShell twin of `sha256sum -c SHA256SUMS`: compares each file's SHA-256
  (case-insensitive, as Get-FileHash prints upper case) with the line in SHA256SUMS and
  prints OK, MISMATCH or MISSING per file. Exit 0 only when every file is OK.
  Run it without changing the machine's execution policy:
    powershell -ExecutionPolicy Bypass -File .\verify.ps1
  UNTESTED: this kit has not yet been run on a Windows machine.
#>
$ErrorActionPreference = "Stop"
$Here = Split-Path -Parent $MyInvocation.MyCommand.Path
$Sums = Join-Path $Here "SHA256SUMS"
if (-not (Test-Path $Sums)) { [Console]::Error.WriteLine("verify.ps1: SHA256SUMS is missing"); exit 2 }
$bad = 0
foreach ($line in Get-Content $Sums) {
    if ($line.Trim() -eq "") { continue }
    $parts = $line -split "\s+", 2
    $expected = $parts[0].ToLowerInvariant()
    $file = Join-Path $Here ($parts[1].TrimStart("*"))
    if (-not (Test-Path $file)) { Write-Host "MISSING  $($parts[1])"; $bad++; continue }
    $actual = (Get-FileHash -Algorithm SHA256 -Path $file).Hash.ToLowerInvariant()
    if ($actual -eq $expected) { Write-Host "OK       $($parts[1])" }
    else { Write-Host "MISMATCH $($parts[1]): $actual, expected $expected"; $bad++ }
}
if ($bad -gt 0) { [Console]::Error.WriteLine("verify.ps1: $bad file(s) failed; copy the kit again"); exit 2 }
Write-Host "verify.ps1: every file matches SHA256SUMS"
