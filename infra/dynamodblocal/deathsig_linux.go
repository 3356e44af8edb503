package dynamodblocal

import "syscall"

// dieWithParent has the kernel kill the emulator when the test binary dies without stopping it
// (a test timeout, a crash).
func dieWithParent(attr *syscall.SysProcAttr) { attr.Pdeathsig = syscall.SIGKILL }
