#ifndef CNETSNMP_SHIM_H
#define CNETSNMP_SHIM_H
// These must come before net-snmp-config.h, or debug builds fail with
// "fd_set has different definitions".
#include <sys/types.h>
#include <sys/select.h>
#include <sys/time.h>
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#endif
