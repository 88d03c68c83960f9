//go:build !(linux || darwin || freebsd || netbsd || openbsd)

package numbers

const canMapMemory = false

func mapMemory(size int) []byte { return make([]byte, size) }

func unmapMemory([]byte) {}
