//go:build unix

package dynamodblocal

import (
	"errors"
	"os/exec"
	"syscall"
)

// isolate puts the emulator in a process group of its own, so that stopping it stops everything
// it started.
func isolate(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	dieWithParent(cmd.SysProcAttr)
}

// killGroup kills the emulator's process group; a group already gone is not an error.
func killGroup(pid int) error {
	if err := syscall.Kill(-pid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
		return err
	}
	return nil
}
