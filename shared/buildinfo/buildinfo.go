// Package buildinfo tells which build of the bridge is running.
package buildinfo

import "runtime/debug"

// version is set at build time: -ldflags "-X unfbridge/shared/buildinfo.version=v1.2.3".
var version string

// Version returns the version stamped at build time, else the VCS revision the binary was built
// from, else "dev".
func Version() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return s.Value[:12]
			}
		}
	}
	return "dev"
}
