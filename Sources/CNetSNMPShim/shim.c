#include "CNetSNMPShim.h"
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const int cnetsnmpshim_msg_get = SNMP_MSG_GET;
const int cnetsnmpshim_msg_getnext = SNMP_MSG_GETNEXT;
const int cnetsnmpshim_msg_getbulk = SNMP_MSG_GETBULK;
const int cnetsnmpshim_msg_report = SNMP_MSG_REPORT;

static pthread_once_t cnetsnmpshim_once = PTHREAD_ONCE_INIT;

static void cnetsnmpshim_do_init(void) {
    setenv("MIBS", "", 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
    netsnmp_ds_set_int(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_MIB_WARNINGS, 0);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_QUICK_PRINT, 1);
    init_snmp("mallaudit");
    // The library would print its own lines to stderr ("passphrase chosen is below the length requirements");
    // every failure reaches the caller as a value with its own message instead.
    // (With no handler at all it falls back to stderr, so install one that drops everything.)
    snmp_disable_log();
    netsnmp_register_loghandler(NETSNMP_LOGHANDLER_NONE, LOG_DEBUG);
}

void cnetsnmpshim_init(void) { pthread_once(&cnetsnmpshim_once, cnetsnmpshim_do_init); }

// MARK: - Sessions

struct cnetsnmpshim_session {
    void *sessp;
    int closing;
    cnetsnmpshim_event *head;
    cnetsnmpshim_event *tail;
    /// Every open session, to know whether another one still uses a v3 user (see cnetsnmpshim_forget_usm_user).
    struct cnetsnmpshim_session *prev_open;
    struct cnetsnmpshim_session *next_open;
};

/// Sessions currently open (touched only on the one thread that uses net-snmp).
static cnetsnmpshim_session *cnetsnmpshim_open_sessions = NULL;

static void cnetsnmpshim_copy_error(char *error, size_t error_len, const char *text) {
    if (error == NULL || error_len == 0) return;
    snprintf(error, error_len, "%s", text ? text : "unknown net-snmp error");
}

/// The session callback: queue a copy of what happened for the owner's next drain.
static int cnetsnmpshim_callback(int op, netsnmp_session *sp, int reqid, netsnmp_pdu *pdu, void *magic) {
    (void)sp;
    cnetsnmpshim_session *session = (cnetsnmpshim_session *)magic;
    if (session == NULL || session->closing) return 1;
    cnetsnmpshim_event *event = calloc(1, sizeof(*event));
    if (event == NULL) return 1;
    event->op = op;
    event->reqid = reqid;
    if (op == NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE && pdu != NULL) {
        event->command = pdu->command;
        event->errstat = pdu->errstat;
        event->errindex = pdu->errindex;
        if (pdu->command == SNMP_MSG_REPORT) event->report_error = snmpv3_get_report_type(pdu);
        event->pdu = snmp_clone_pdu(pdu);
    }
    if (session->tail) session->tail->next = event; else session->head = event;
    session->tail = event;
    return 1;
}

static const oid *cnetsnmpshim_auth_oid(int protocol, size_t *len) {
    switch (protocol) {
    case CNETSNMPSHIM_AUTH_MD5: *len = OID_LENGTH(usmHMACMD5AuthProtocol); return usmHMACMD5AuthProtocol;
    case CNETSNMPSHIM_AUTH_SHA: *len = OID_LENGTH(usmHMACSHA1AuthProtocol); return usmHMACSHA1AuthProtocol;
    case CNETSNMPSHIM_AUTH_SHA224:
        *len = OID_LENGTH(usmHMAC128SHA224AuthProtocol); return usmHMAC128SHA224AuthProtocol;
    case CNETSNMPSHIM_AUTH_SHA256:
        *len = OID_LENGTH(usmHMAC192SHA256AuthProtocol); return usmHMAC192SHA256AuthProtocol;
    case CNETSNMPSHIM_AUTH_SHA384:
        *len = OID_LENGTH(usmHMAC256SHA384AuthProtocol); return usmHMAC256SHA384AuthProtocol;
    case CNETSNMPSHIM_AUTH_SHA512:
        *len = OID_LENGTH(usmHMAC384SHA512AuthProtocol); return usmHMAC384SHA512AuthProtocol;
    default: *len = 0; return NULL;
    }
}

static const oid *cnetsnmpshim_priv_oid(int protocol, size_t *len) {
    switch (protocol) {
#ifndef NETSNMP_DISABLE_DES
    case CNETSNMPSHIM_PRIV_DES: *len = OID_LENGTH(usmDESPrivProtocol); return usmDESPrivProtocol;
#endif
    case CNETSNMPSHIM_PRIV_AES: *len = OID_LENGTH(usmAESPrivProtocol); return usmAESPrivProtocol;
#ifdef NETSNMP_DRAFT_BLUMENTHAL_AES_04
    case CNETSNMPSHIM_PRIV_AES192: *len = OID_LENGTH(usmAES192PrivProtocol); return usmAES192PrivProtocol;
    case CNETSNMPSHIM_PRIV_AES256: *len = OID_LENGTH(usmAES256PrivProtocol); return usmAES256PrivProtocol;
#endif
    default: *len = 0; return NULL;
    }
}

cnetsnmpshim_session *cnetsnmpshim_open(const cnetsnmpshim_options *options, char *error, size_t error_len) {
    cnetsnmpshim_init();
    netsnmp_session session;
    snmp_sess_init(&session);
    session.peername = (char *)options->peername;
    session.timeout = options->timeout_us;
    session.retries = options->retries;
    // No synchronous engine-ID probe inside snmp_sess_open: discovery runs asynchronously on the first
    // request, so opening a session to a dead v3 agent does not block the event loop.
    session.flags |= SNMP_FLAGS_DONT_PROBE;
    switch (options->version) {
    case 1: session.version = SNMP_VERSION_1; break;
    case 2: session.version = SNMP_VERSION_2c; break;
    case 3: session.version = SNMP_VERSION_3; break;
    default: cnetsnmpshim_copy_error(error, error_len, "unsupported SNMP version"); return NULL;
    }
    if (options->version != 3) {
        const char *community = options->community ? options->community : "";
        session.community = (u_char *)community;
        session.community_len = strlen(community);
    } else {
        if (options->security_name == NULL || options->security_name[0] == '\0') {
            cnetsnmpshim_copy_error(error, error_len, "SNMPv3 needs a user name");
            return NULL;
        }
        session.securityName = (char *)options->security_name;
        session.securityNameLen = strlen(options->security_name);
        switch (options->security_level) {
        case 1: session.securityLevel = SNMP_SEC_LEVEL_NOAUTH; break;
        case 2: session.securityLevel = SNMP_SEC_LEVEL_AUTHNOPRIV; break;
        case 3: session.securityLevel = SNMP_SEC_LEVEL_AUTHPRIV; break;
        default: cnetsnmpshim_copy_error(error, error_len, "unsupported SNMPv3 security level"); return NULL;
        }
        if (options->security_level >= 2) {
            size_t len = 0;
            const oid *auth = cnetsnmpshim_auth_oid(options->auth_protocol, &len);
            if (auth == NULL) {
                cnetsnmpshim_copy_error(error, error_len, "unsupported SNMPv3 authentication protocol");
                return NULL;
            }
            const char *pass = options->auth_password ? options->auth_password : "";
            session.securityAuthProto = (oid *)auth;
            session.securityAuthProtoLen = len;
            session.securityAuthKeyLen = USM_AUTH_KU_LEN;
            if (generate_Ku(auth, (u_int)len, (const u_char *)pass, strlen(pass), session.securityAuthKey,
                            &session.securityAuthKeyLen) != SNMPERR_SUCCESS) {
                cnetsnmpshim_copy_error(error, error_len,
                                        "cannot derive the SNMPv3 authentication key (passphrase shorter than 8 "
                                        "characters?)");
                return NULL;
            }
        }
        if (options->security_level == 3) {
            size_t len = 0;
            const oid *priv = cnetsnmpshim_priv_oid(options->priv_protocol, &len);
            if (priv == NULL) {
                cnetsnmpshim_copy_error(error, error_len, "unsupported SNMPv3 privacy protocol");
                return NULL;
            }
            const char *pass = options->priv_password ? options->priv_password : "";
            session.securityPrivProto = (oid *)priv;
            session.securityPrivProtoLen = len;
            session.securityPrivKeyLen = USM_PRIV_KU_LEN;
            if (generate_Ku(session.securityAuthProto, (u_int)session.securityAuthProtoLen, (const u_char *)pass,
                            strlen(pass), session.securityPrivKey, &session.securityPrivKeyLen) != SNMPERR_SUCCESS) {
                cnetsnmpshim_copy_error(error, error_len,
                                        "cannot derive the SNMPv3 privacy key (passphrase shorter than 8 "
                                        "characters?)");
                return NULL;
            }
        }
    }

    cnetsnmpshim_session *handle = calloc(1, sizeof(*handle));
    if (handle == NULL) {
        cnetsnmpshim_copy_error(error, error_len, "out of memory");
        return NULL;
    }
    session.callback = cnetsnmpshim_callback;
    session.callback_magic = handle;
    handle->sessp = snmp_sess_open(&session);
    if (handle->sessp == NULL) {
        int liberr = 0, syserr = 0;
        char *message = NULL;
        snmp_error(&session, &liberr, &syserr, &message);
        cnetsnmpshim_copy_error(error, error_len, message);
        free(message);
        free(handle);
        return NULL;
    }
    handle->next_open = cnetsnmpshim_open_sessions;
    if (cnetsnmpshim_open_sessions) cnetsnmpshim_open_sessions->prev_open = handle;
    cnetsnmpshim_open_sessions = handle;
    return handle;
}

static void cnetsnmpshim_drop_events(cnetsnmpshim_session *session) {
    cnetsnmpshim_event *event = session->head;
    while (event) {
        cnetsnmpshim_event *next = event->next;
        cnetsnmpshim_event_free(event);
        event = next;
    }
    session->head = session->tail = NULL;
}

/// net-snmp keeps every v3 user it localised keys for in one process-wide list, keyed by engine ID and user
/// name, and reuses those keys for later sessions of the same user: a session with a wrong password would then
/// succeed with the keys of an earlier right one. Forget the user when its session closes.
static void cnetsnmpshim_forget_usm_user(void *sessp) {
    netsnmp_session *sp = snmp_sess_session(sessp);
    if (sp == NULL || sp->version != SNMP_VERSION_3 || sp->securityName == NULL || sp->securityEngineIDLen == 0) {
        return;
    }
    // Another open session of the same user and engine still needs the entry (same credentials: the caller
    // never overlaps sessions of one user with different passphrases).
    for (cnetsnmpshim_session *other = cnetsnmpshim_open_sessions; other; other = other->next_open) {
        if (other->sessp == sessp || other->sessp == NULL) continue;
        netsnmp_session *osp = snmp_sess_session(other->sessp);
        if (osp && osp->version == SNMP_VERSION_3 && osp->securityName &&
            strcmp(osp->securityName, sp->securityName) == 0 && osp->securityEngineIDLen == sp->securityEngineIDLen &&
            memcmp(osp->securityEngineID, sp->securityEngineID, sp->securityEngineIDLen) == 0) {
            return;
        }
    }
    struct usmUser *user;
    while ((user = usm_get_user(sp->securityEngineID, sp->securityEngineIDLen, sp->securityName)) != NULL) {
        usm_remove_user(user);
        usm_free_user(user);
    }
}

void cnetsnmpshim_close(cnetsnmpshim_session *session) {
    if (session == NULL) return;
    session->closing = 1;
    if (session->sessp) {
        cnetsnmpshim_forget_usm_user(session->sessp);
        snmp_sess_close(session->sessp);
    }
    if (session->prev_open) session->prev_open->next_open = session->next_open;
    else if (cnetsnmpshim_open_sessions == session) cnetsnmpshim_open_sessions = session->next_open;
    if (session->next_open) session->next_open->prev_open = session->prev_open;
    session->sessp = NULL;
    cnetsnmpshim_drop_events(session);
    free(session);
}

int cnetsnmpshim_send(cnetsnmpshim_session *session, netsnmp_pdu *pdu, char *error, size_t error_len) {
    int reqid = snmp_sess_async_send(session->sessp, pdu, cnetsnmpshim_callback, session);
    if (reqid == 0) {
        int liberr = 0, syserr = 0;
        char *message = NULL;
        snmp_sess_error(session->sessp, &liberr, &syserr, &message);
        cnetsnmpshim_copy_error(error, error_len, message);
        free(message);
        snmp_free_pdu(pdu);
    }
    return reqid;
}

cnetsnmpshim_event *cnetsnmpshim_next_event(cnetsnmpshim_session *session) {
    cnetsnmpshim_event *event = session->head;
    if (event) {
        session->head = event->next;
        if (session->head == NULL) session->tail = NULL;
        event->next = NULL;
    }
    return event;
}

void cnetsnmpshim_event_free(cnetsnmpshim_event *event) {
    if (event == NULL) return;
    if (event->pdu) snmp_free_pdu(event->pdu);
    free(event);
}

int cnetsnmpshim_socket(cnetsnmpshim_session *session) {
    if (session == NULL || session->sessp == NULL) return -1;
    netsnmp_transport *transport = snmp_sess_transport(session->sessp);
    return transport ? transport->sock : -1;
}

// MARK: - PDUs

netsnmp_pdu *cnetsnmpshim_pdu_create(int command) { return snmp_pdu_create(command); }

int cnetsnmpshim_pdu_add(netsnmp_pdu *pdu, const oid *name, size_t name_len) {
    return snmp_add_null_var(pdu, name, name_len) ? 0 : -1;
}

void cnetsnmpshim_pdu_set_bulk(netsnmp_pdu *pdu, long non_repeaters, long max_repetitions) {
    pdu->non_repeaters = non_repeaters;
    pdu->max_repetitions = max_repetitions;
}

void cnetsnmpshim_pdu_free(netsnmp_pdu *pdu) { snmp_free_pdu(pdu); }

long cnetsnmpshim_var_integer(const netsnmp_variable_list *var) {
    return var->val.integer ? *var->val.integer : 0;
}

unsigned long cnetsnmpshim_var_unsigned(const netsnmp_variable_list *var) {
    return var->val.integer ? *(const unsigned long *)var->val.integer : 0;
}

unsigned long long cnetsnmpshim_var_counter64(const netsnmp_variable_list *var) {
    if (var->val.counter64 == NULL) return 0;
    return ((unsigned long long)var->val.counter64->high << 32) | (var->val.counter64->low & 0xffffffffUL);
}

const unsigned char *cnetsnmpshim_var_bytes(const netsnmp_variable_list *var) { return var->val.string; }

const oid *cnetsnmpshim_var_objid(const netsnmp_variable_list *var) { return var->val.objid; }

size_t cnetsnmpshim_var_objid_len(const netsnmp_variable_list *var) { return var->val_len / sizeof(oid); }

float cnetsnmpshim_var_float(const netsnmp_variable_list *var) {
#ifdef NETSNMP_WITH_OPAQUE_SPECIAL_TYPES
    return var->val.floatVal ? *var->val.floatVal : 0;
#else
    (void)var;
    return 0;
#endif
}

double cnetsnmpshim_var_double(const netsnmp_variable_list *var) {
#ifdef NETSNMP_WITH_OPAQUE_SPECIAL_TYPES
    return var->val.doubleVal ? *var->val.doubleVal : 0;
#else
    (void)var;
    return 0;
#endif
}

// MARK: - Event loop

int cnetsnmpshim_poll(cnetsnmpshim_session *const *sessions, int count, int wake_fd, long max_wait_us) {
    fd_set readable;
    FD_ZERO(&readable);
    int maxfd = -1;
    struct timeval wait = {max_wait_us / 1000000, max_wait_us % 1000000};

    if (wake_fd >= FD_SETSIZE) return -2;
    if (wake_fd >= 0) {
        FD_SET(wake_fd, &readable);
        maxfd = wake_fd;
    }
    for (int i = 0; i < count; i++) {
        cnetsnmpshim_session *session = sessions[i];
        if (session == NULL || session->sessp == NULL) continue;
        int sock = cnetsnmpshim_socket(session);
        if (sock >= FD_SETSIZE) return -2;
        int numfds = 0, block = 1;
        fd_set own;
        FD_ZERO(&own);
        struct timeval next = {0, 0};
        snmp_sess_select_info(session->sessp, &numfds, &own, &next, &block);
        if (sock >= 0) {
            FD_SET(sock, &readable);
            if (sock > maxfd) maxfd = sock;
        }
        if (!block && timercmp(&next, &wait, <)) wait = next;
    }

    int ready = select(maxfd + 1, &readable, NULL, NULL, &wait);
    if (ready < 0) {
        if (errno != EINTR) return -1;
        FD_ZERO(&readable);
    }
    if (ready > 0 && wake_fd >= 0 && FD_ISSET(wake_fd, &readable)) {
        char drain[64];
        while (read(wake_fd, drain, sizeof(drain)) == (ssize_t)sizeof(drain)) {
        }
    }
    for (int i = 0; i < count; i++) {
        cnetsnmpshim_session *session = sessions[i];
        if (session == NULL || session->sessp == NULL) continue;
        int sock = cnetsnmpshim_socket(session);
        if (ready > 0 && sock >= 0 && FD_ISSET(sock, &readable)) snmp_sess_read(session->sessp, &readable);
        snmp_sess_timeout(session->sessp);
    }
    return 0;
}
