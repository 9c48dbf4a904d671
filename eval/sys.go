package eval

import "runtime"

// goSystem maps the Go platform to Nix's system string.
func goSystem() string {
	arch := runtime.GOARCH
	switch arch {
	case "amd64":
		arch = "x86_64"
	case "arm64":
		arch = "aarch64"
	case "386":
		arch = "i686"
	case "arm":
		arch = "armv7l"
	case "riscv64":
		arch = "riscv64"
	}
	return arch + "-" + runtime.GOOS
}
