#ifndef CSQLITE3SHIM_H
#define CSQLITE3SHIM_H
#include <sqlite3.h>

/// `SQLITE_TRANSIENT` is a macro cast of -1 to a function pointer; it does not import.
sqlite3_destructor_type csqlite3shim_transient(void);

/// The version string of the SQLite library actually linked at run time (recorded with each run).
const char *csqlite3shim_libversion(void);
#endif
