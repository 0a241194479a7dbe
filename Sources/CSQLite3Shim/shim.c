#include "CSQLite3Shim.h"

sqlite3_destructor_type csqlite3shim_transient(void) { return SQLITE_TRANSIENT; }

const char *csqlite3shim_libversion(void) { return sqlite3_libversion(); }
