//go:build linux || darwin || freebsd || netbsd || openbsd

package numbers

import "syscall"

const canMapMemory = true

// mapMemory maps size zeroed bytes of private anonymous memory; failing
// to is running out of memory, which a Go allocation would not survive
// either.
func mapMemory(size int) []byte {
	b, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		panic("numbers: out of memory: " + err.Error())
	}
	return b
}

func unmapMemory(b []byte) { syscall.Munmap(b) }
