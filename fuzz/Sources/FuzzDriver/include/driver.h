#ifndef MALLAUDIT_FUZZ_DRIVER_H
#define MALLAUDIT_FUZZ_DRIVER_H
/// The entry point SwiftPM names `main` for the mallaudit-fuzz executable (see driver.c).
int mallaudit_fuzz_main(int argc, char **argv);
#endif
