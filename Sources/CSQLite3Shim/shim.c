#include "CSQLite3Shim.h"

const char *csqlite3shim_libversion(void) { return sqlite3_libversion(); }
