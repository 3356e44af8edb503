package settings

import (
	"encoding/json"
	"fmt"
	"time"

	"unfbridge/shared/httpapi"
)

// File is the settings file ("save to file / restore"): every setting, never a secret.
type File struct {
	Format     string    `json:"format"`
	Version    int       `json:"version"`
	ExportedAt time.Time `json:"exportedAt"`
	Settings   Settings  `json:"settings"`
}

// The format name and version of settings files.
const (
	FileFormat  = "unfbridge-settings"
	FileVersion = 1
)

// Export returns the settings file of s.
func Export(s Settings, now time.Time) ([]byte, error) {
	data, err := json.MarshalIndent(File{Format: FileFormat, Version: FileVersion, ExportedAt: now.UTC(), Settings: s}, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("settings: export: %w", err)
	}
	return append(data, '\n'), nil
}

// Import reads a settings file: the whole file must be valid (format, version, no unknown
// fields, every setting) or nothing is returned. Problems come as a *ValidationError.
func Import(data []byte) (Settings, error) {
	// A file of an older version lacks the newer parts: those keep their defaults.
	f := File{Settings: Defaults()}
	if err := httpapi.DecodeBytes(data, &f); err != nil {
		return Settings{}, fileProblem("Файл настроек повреждён или не является файлом настроек моста. %s", err.Error())
	}
	if f.Format != FileFormat {
		return Settings{}, fileProblem("Это не файл настроек моста (ожидается format %q).", FileFormat)
	}
	if f.Version != FileVersion {
		return Settings{}, fileProblem("Версия файла настроек %d не поддерживается (ожидается %d).", f.Version, FileVersion)
	}
	if err := f.Settings.Validate(); err != nil {
		return Settings{}, err
	}
	return f.Settings, nil
}

func fileProblem(format string, args ...any) error {
	return &ValidationError{Problems: []Problem{{Field: "file", Message: fmt.Sprintf(format, args...)}}}
}
