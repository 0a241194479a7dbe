// SwiftPM links an executable target with `main` defined as `<target>_main` (here `mallaudit_fuzz_main`). The
// harnesses have no Swift entry point (they are built with -parse-as-library), so this is that symbol: it hands the
// command line to libFuzzer's driver, which calls LLVMFuzzerInitialize and LLVMFuzzerTestOneInput of the harness.
#include <stddef.h>
#include <stdint.h>
#include "driver.h"

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int mallaudit_fuzz_main(int argc, char **argv) {
    return LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput);
}
