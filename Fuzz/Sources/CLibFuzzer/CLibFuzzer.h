// libFuzzer's driver, linked by `-sanitize=fuzzer` (compiler-rt's FuzzerDriver.cpp). The
// harness calls it from its own entry point: SwiftPM aliases `main` to `FuzzScript_main`,
// so libFuzzer's `main` is never linked in.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
