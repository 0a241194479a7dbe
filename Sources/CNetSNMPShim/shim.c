#include "CNetSNMPShim.h"
#include <pthread.h>
#include <stdlib.h>

const int cnetsnmpshim_msg_get = SNMP_MSG_GET;
const int cnetsnmpshim_msg_getnext = SNMP_MSG_GETNEXT;
const int cnetsnmpshim_msg_getbulk = SNMP_MSG_GETBULK;
const int cnetsnmpshim_msg_response = SNMP_MSG_RESPONSE;
const int cnetsnmpshim_nosuchobject = SNMP_NOSUCHOBJECT;
const int cnetsnmpshim_nosuchinstance = SNMP_NOSUCHINSTANCE;
const int cnetsnmpshim_endofmibview = SNMP_ENDOFMIBVIEW;

static pthread_once_t cnetsnmpshim_once = PTHREAD_ONCE_INIT;

static void cnetsnmpshim_do_init(void) {
    setenv("MIBS", "", 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
    netsnmp_ds_set_int(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_MIB_WARNINGS, 0);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_QUICK_PRINT, 1);
    init_snmp("mallaudit");
}

void cnetsnmpshim_init(void) { pthread_once(&cnetsnmpshim_once, cnetsnmpshim_do_init); }
