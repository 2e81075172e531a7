<#
.SYNOPSIS
  Install Resident Companion on Windows from this folder with no network at all.
.DESCRIPTION
  The PowerShell twin of install.sh, for the win_amd64 wheelhouse
  (make wheelhouse WHEELHOUSE_PLATFORM=win_amd64).
  1. checks every wheel named in requirements.txt is here and matches its sha256,
     naming any missing or changed wheel (exit 2);
  2. creates a virtual environment in -Target and installs with
     pip --no-index --find-links <this folder> --require-hashes (exit 3 on failure);
  3. runs `companion doctor`, which loads the bundled model offline (exit 4 on failure).
.EXAMPLE
  powershell -ExecutionPolicy Bypass -File .\install.ps1 -Target C:\ResidentCompanion
#>
param(
    [string]$Target = (Join-Path $env:USERPROFILE "resident-companion"),
    [string]$Python = "",
    [switch]$SkipDoctor
)
$ErrorActionPreference = "Stop"
$Here = Split-Path -Parent $MyInvocation.MyCommand.Path
$Reqs = Join-Path $Here "requirements.txt"

function Say([string]$Text) { Write-Host "install.ps1: $Text" }
function Fail([int]$Code, [string]$Text) {
    [Console]::Error.WriteLine("install.ps1: ERROR: $Text"); exit $Code
}
function Norm([string]$Name) { return ($Name -replace '[-_.]+', '-').ToLowerInvariant() }

# No pip setting from this machine may steer the install: only this folder counts.
foreach ($name in @(Get-ChildItem env: | Where-Object { $_.Name -like "PIP_*" } |
                   ForEach-Object { $_.Name })) {
    Remove-Item -Path ("env:" + $name)
}
$env:PIP_CONFIG_FILE = "nul"
$env:PIP_NO_INDEX = "1"
$env:PIP_DISABLE_PIP_VERSION_CHECK = "1"
$env:PIP_NO_INPUT = "1"

if (-not (Test-Path $Reqs)) { Fail 2 "requirements.txt is missing from $Here" }

# Step 1: verify every wheel before pip sees it, so the message names the file.
Say "verifying wheels against requirements.txt"
$wheels = @{}
foreach ($file in Get-ChildItem -Path $Here -Filter "*.whl") {
    $parts = $file.BaseName.Split("-")
    if ($parts.Count -ge 5) {
        $key = (Norm $parts[0]) + "==" + $parts[1]
        if (-not $wheels.ContainsKey($key)) { $wheels[$key] = @() }
        $wheels[$key] += $file
    }
}
$problems = @()
$count = 0
$number = 0
foreach ($raw in Get-Content -Path $Reqs) {
    $number++
    $line = ($raw -split "#", 2)[0].Trim()
    if ($line -eq "") { continue }
    if ($line -notmatch '^([A-Za-z0-9_.\-]+)==(\S+)((\s+--hash=sha256:[0-9a-f]{64})+)\s*$') {
        $problems += "requirements.txt line ${number} is not 'name==version --hash=sha256:...': $line"
        continue
    }
    $name = $Matches[1]; $version = $Matches[2]
    $expected = [regex]::Matches($Matches[3], 'sha256:([0-9a-f]{64})') |
        ForEach-Object { $_.Groups[1].Value.ToLowerInvariant() }
    $key = (Norm $name) + "==" + $version
    if (-not $wheels.ContainsKey($key)) {
        $problems += "MISSING wheel: $name==$version (no $name-$version-*.whl in $Here)"
        continue
    }
    foreach ($file in $wheels[$key]) {
        $digest = (Get-FileHash -Algorithm SHA256 -Path $file.FullName).Hash.ToLowerInvariant()
        if ($expected -notcontains $digest) {
            $problems += ("MISMATCH wheel: " + $file.Name + " has sha256 $digest, " +
                          "requirements.txt expects " + ($expected -join ", "))
        }
    }
    $count++
}
if ($problems.Count -gt 0) {
    foreach ($p in $problems) { [Console]::Error.WriteLine("install.ps1: $p") }
    Fail 2 "wheel verification failed (see above); copy the wheelhouse again from the original media"
}
Say "all $count wheels present and matching their sha256"

# Find CPython 3.11: -Python, else the py launcher, else python on PATH.
$PyArgs = @()
if ($Python -eq "") {
    if (Get-Command py -ErrorAction SilentlyContinue) { $Python = "py"; $PyArgs = @("-3.11") }
    else { $Python = "python" }
}
& $Python @PyArgs -c "import sys, platform; sys.exit(0 if sys.version_info[:2] == (3, 11) and platform.machine() in ('AMD64', 'x86_64') else 1)"
if ($LASTEXITCODE -ne 0) { Fail 3 "these wheels are for 64-bit CPython 3.11; install it or pass -Python C:\path\to\python.exe" }

# Step 2: a fresh virtual environment, installed only from this folder.
Say "creating virtual environment in $Target"
& $Python @PyArgs -m venv $Target
if ($LASTEXITCODE -ne 0) { Fail 3 "could not create a venv in $Target" }
$VenvPython = Join-Path $Target "Scripts\python.exe"
$Log = Join-Path $Target "install.log"
$watch = [Diagnostics.Stopwatch]::StartNew()
# Windows PowerShell 5.1 turns a native command's redirected stderr into errors, which
# "Stop" would make fatal on pip's first warning: judge pip by its exit code instead.
$ErrorActionPreference = "Continue"
& $VenvPython -m pip install --no-index --find-links $Here --require-hashes --only-binary=:all: -r $Reqs *> $Log
$status = $LASTEXITCODE
$ErrorActionPreference = "Stop"
$watch.Stop()
if ($status -ne 0) {
    Get-Content $Log | Write-Host
    Select-String -Path $Log -Pattern 'from .*\.whl|No matching distribution found for|Could not find a version|Expected sha256|Got +[0-9a-f]' |
        ForEach-Object { [Console]::Error.WriteLine("install.ps1: pip says: " + $_.Line) }
    Fail 3 "pip could not install from $Here (full log: $Log)"
}
Say ("installed in {0:N1} s into $Target" -f $watch.Elapsed.TotalSeconds)

# Step 3: prove it works offline.
$Companion = Join-Path $Target "Scripts\companion.exe"
if (-not $SkipDoctor) {
    Say "running companion doctor"
    & $Companion doctor
    if ($LASTEXITCODE -ne 0) { Fail 4 "companion doctor reported a problem (see above)" }
}
Say "done. Start the app with: $Companion"
Say "remove everything with: Remove-Item -Recurse -Force '$Target' and the data folder shown by 'companion doctor'"
