#ifndef CSQLITE3SHIM_H
#define CSQLITE3SHIM_H
#include <sqlite3.h>

/// The version string of the SQLite library actually linked at run time (recorded with each run).
const char *csqlite3shim_libversion(void);
#endif
