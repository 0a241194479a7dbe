#include "CLibXML2Shim.h"
#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlIO.h>
#include <pthread.h>
#include <stdarg.h>

static void clibxml2shim_discard(void *ctx, const char *msg, ...) {
    (void)ctx;
    (void)msg;
}

// Refuses every external resource (DTDs, external entities, XInclude): nothing a
// checklist, report or answer body needs lives outside the document itself.
static xmlParserInputPtr clibxml2shim_refuse_entity(const char *url, const char *id, xmlParserCtxtPtr ctxt) {
    (void)url;
    (void)id;
    (void)ctxt;
    return NULL;
}

static pthread_once_t clibxml2shim_once = PTHREAD_ONCE_INIT;

static void clibxml2shim_do_init(void) {
    xmlInitParser();
    xmlSetExternalEntityLoader(clibxml2shim_refuse_entity);
}

void clibxml2shim_init(void) {
    pthread_once(&clibxml2shim_once, clibxml2shim_do_init);
    // The generic error handler is per thread in libxml2: set it on every calling thread.
    xmlSetGenericErrorFunc(NULL, clibxml2shim_discard);
}

int clibxml2shim_safe_parse_options(void) {
    return XML_PARSE_NONET | XML_PARSE_BIG_LINES;
}
