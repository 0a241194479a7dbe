#ifndef CNETSNMPSHIM_H
#define CNETSNMPSHIM_H
#include <sys/types.h>
#include <sys/select.h>
#include <sys/time.h>
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

// PDU types and exception tags are macros (often with casts) that do not import into Swift.
extern const int cnetsnmpshim_msg_get;
extern const int cnetsnmpshim_msg_getnext;
extern const int cnetsnmpshim_msg_getbulk;
extern const int cnetsnmpshim_msg_response;
extern const int cnetsnmpshim_nosuchobject;
extern const int cnetsnmpshim_nosuchinstance;
extern const int cnetsnmpshim_endofmibview;

/// Initialises the library once for the whole process, before any thread opens a session:
/// no MIB loading or warnings, no configuration files read, nothing persisted under
/// /var/lib/snmp. Safe to call many times.
void cnetsnmpshim_init(void);
#endif
