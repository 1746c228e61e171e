; Inno Setup script: a per-user installer for the one-folder build (`make package` on Windows,
; or the packaging workflow), written to dist\decision-inbox-VERSION-setup.exe.
;
;   iscc /DAppVersion=0.1.0 packaging\windows\decision-inbox.iss
;
; The workflow passes AppVersion, AppId and Homepage from packaging/project.py (one source each:
; inbox/__init__.py and pyproject.toml); the defaults below are for a build by hand only.
; Never built on the project's own CI (no Windows there): only in .github/workflows/packaging.yml.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef AppId
  #define AppId "io.github.decisioninbox.DecisionInbox"
#endif
#ifndef Homepage
  #define Homepage "https://github.com/decisioninbox/decision-inbox"
#endif
#define AppName "Decision Inbox"
#define Build "..\..\dist\decision-inbox"

[Setup]
; Inno Setup's AppId keys the uninstaller's registry entry; the application id serves.
AppId={#AppId}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=The Decision Inbox developers
AppPublisherURL={#Homepage}
AppSupportURL={#Homepage}/issues
DefaultDirName={autopf}\Decision Inbox
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; Per user by default (no administrator needed); the user may choose all users.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=decision-inbox-{#AppVersion}-setup
SetupIconFile=..\..\build\decision-inbox.ico
UninstallDisplayIcon={app}\decision-inbox-gui.exe
Compression=lzma2
SolidCompression=yes
WizardStyle=modern

[Files]
Source: "{#Build}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
; The AppUserModelID on the Start-menu shortcut is what lets Windows attribute the app's toasts
; to it and keep their buttons; the app sets the same id on its process
; (packaging/pyinstaller/entry.py).
Name: "{group}\{#AppName}"; Filename: "{app}\decision-inbox-gui.exe"; Parameters: "gui"; AppUserModelID: "{#AppId}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\decision-inbox-gui.exe"; Parameters: "gui"; AppUserModelID: "{#AppId}"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Run]
Filename: "{app}\decision-inbox-gui.exe"; Parameters: "gui"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
