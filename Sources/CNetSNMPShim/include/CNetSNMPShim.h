#ifndef CNETSNMPSHIM_H
#define CNETSNMPSHIM_H
#include <sys/types.h>
#include <sys/select.h>
#include <sys/time.h>
#include <stddef.h>
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

// PDU types are macros (often with casts) that do not import into Swift.
extern const int cnetsnmpshim_msg_get;
extern const int cnetsnmpshim_msg_getnext;
extern const int cnetsnmpshim_msg_getbulk;
extern const int cnetsnmpshim_msg_report;

/// Initialises the library once for the whole process, before any thread opens a session:
/// no MIB loading or warnings, no configuration files read, nothing persisted under
/// /var/lib/snmp. Safe to call many times.
void cnetsnmpshim_init(void);

// MARK: - Sessions

/// v3 authentication protocols (`cnetsnmpshim_options.auth_protocol`).
enum {
    CNETSNMPSHIM_AUTH_NONE = 0,
    CNETSNMPSHIM_AUTH_MD5 = 1,
    CNETSNMPSHIM_AUTH_SHA = 2,
    CNETSNMPSHIM_AUTH_SHA224 = 3,
    CNETSNMPSHIM_AUTH_SHA256 = 4,
    CNETSNMPSHIM_AUTH_SHA384 = 5,
    CNETSNMPSHIM_AUTH_SHA512 = 6,
};

/// v3 privacy protocols (`cnetsnmpshim_options.priv_protocol`). AES-192/256 use the key extension of
/// draft-blumenthal-aes-usm-04, as net-snmp's `-x AES192` / `-x AES256` and snmpd's `createUser` do.
enum {
    CNETSNMPSHIM_PRIV_NONE = 0,
    CNETSNMPSHIM_PRIV_DES = 1,
    CNETSNMPSHIM_PRIV_AES = 2,
    CNETSNMPSHIM_PRIV_AES192 = 3,
    CNETSNMPSHIM_PRIV_AES256 = 4,
};

/// How to reach one agent. Strings are only read during `cnetsnmpshim_open` (the library copies them).
typedef struct cnetsnmpshim_options {
    /// net-snmp transport address, e.g. `udp:127.0.0.1:1161`.
    const char *peername;
    /// 1 (v1), 2 (v2c) or 3 (v3).
    int version;
    /// v1/v2c community.
    const char *community;
    /// v3 user name.
    const char *security_name;
    /// 1 noAuthNoPriv, 2 authNoPriv, 3 authPriv.
    int security_level;
    int auth_protocol;
    const char *auth_password;
    int priv_protocol;
    const char *priv_password;
    /// Time to wait for each attempt, in microseconds.
    long timeout_us;
    /// Retransmissions after the first attempt.
    int retries;
} cnetsnmpshim_options;

/// A completed request, queued by the session's callback for the owner to collect.
typedef struct cnetsnmpshim_event {
    /// NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE (1), _TIMED_OUT (2), _SEND_FAILED (3), …
    int op;
    int reqid;
    /// The received PDU's command (RESPONSE or REPORT), 0 when none.
    int command;
    long errstat;
    long errindex;
    /// For a REPORT: the SNMPERR_* code `snmpv3_get_report_type` gives (authentication failure, unknown user …).
    int report_error;
    /// A copy of the received PDU (owned by the event), or NULL.
    netsnmp_pdu *pdu;
    struct cnetsnmpshim_event *next;
} cnetsnmpshim_event;

/// One open session (`snmp_sess_open` single-session API) plus the queue its callback fills.
/// Not thread-safe: create, use and close it on one thread (net-snmp on Debian is not reentrant).
typedef struct cnetsnmpshim_session cnetsnmpshim_session;

/// Opens a session without blocking (no synchronous engine-ID probe: v3 discovery happens on the first
/// request). On failure returns NULL and writes a message to `error` (never containing a secret).
cnetsnmpshim_session *cnetsnmpshim_open(const cnetsnmpshim_options *options, char *error, size_t error_len);

/// Closes the session, drops outstanding requests and queued events, and frees everything.
void cnetsnmpshim_close(cnetsnmpshim_session *session);

/// Sends `pdu` asynchronously. Returns the request id (> 0); on failure returns 0, frees the PDU and
/// writes the library's message to `error`.
int cnetsnmpshim_send(cnetsnmpshim_session *session, netsnmp_pdu *pdu, char *error, size_t error_len);

/// Pops the oldest completed event, or NULL. Free it with `cnetsnmpshim_event_free`.
cnetsnmpshim_event *cnetsnmpshim_next_event(cnetsnmpshim_session *session);
void cnetsnmpshim_event_free(cnetsnmpshim_event *event);

/// The session's UDP socket (for diagnostics), or -1.
int cnetsnmpshim_socket(cnetsnmpshim_session *session);

// MARK: - PDUs

/// A new request PDU of `command` (GET, GETNEXT, GETBULK), or NULL when out of memory.
netsnmp_pdu *cnetsnmpshim_pdu_create(int command);
/// Appends a NULL-valued varbind for `name`. Returns 0 on success.
int cnetsnmpshim_pdu_add(netsnmp_pdu *pdu, const oid *name, size_t name_len);
/// GETBULK's non-repeaters and max-repetitions (macro aliases of errstat/errindex).
void cnetsnmpshim_pdu_set_bulk(netsnmp_pdu *pdu, long non_repeaters, long max_repetitions);
void cnetsnmpshim_pdu_free(netsnmp_pdu *pdu);

/// Reads one varbind: its type tag, value length and a pointer to the raw value (string/objid bytes,
/// or the long/counter64 storage). Integer-like values come through the dedicated accessors.
long cnetsnmpshim_var_integer(const netsnmp_variable_list *var);
unsigned long cnetsnmpshim_var_unsigned(const netsnmp_variable_list *var);
unsigned long long cnetsnmpshim_var_counter64(const netsnmp_variable_list *var);
const unsigned char *cnetsnmpshim_var_bytes(const netsnmp_variable_list *var);
const oid *cnetsnmpshim_var_objid(const netsnmp_variable_list *var);
/// Number of sub-identifiers of an OBJECT IDENTIFIER value.
size_t cnetsnmpshim_var_objid_len(const netsnmp_variable_list *var);
float cnetsnmpshim_var_float(const netsnmp_variable_list *var);
double cnetsnmpshim_var_double(const netsnmp_variable_list *var);

// MARK: - Event loop

/// One pass of the event loop over `count` sessions: waits (select) until a socket is readable, `wake_fd`
/// is readable, the earliest retransmission/timeout of any session is due, or `max_wait_us` elapses; then
/// calls `snmp_sess_read` on the readable sessions and `snmp_sess_timeout` on every session (so expired
/// requests fire their callbacks). Drains `wake_fd` when readable. Returns 0, or -1 with errno on a select
/// failure other than EINTR, or -2 when a descriptor is beyond FD_SETSIZE (use several loops then).
int cnetsnmpshim_poll(cnetsnmpshim_session *const *sessions, int count, int wake_fd, long max_wait_us);
#endif
