#ifndef CLIBXML2SHIM_H
#define CLIBXML2SHIM_H
// Only plain C types here: the libxml2 headers are read through the CLibXML2 module header alone
// (Sources/CLibXML2/shim.h), the one place that handles Debian's ICU build (see its comment).

/// Initialises libxml2 once, routes its variadic generic-error output nowhere (callers
/// collect structured errors instead) and installs an external-entity loader that
/// refuses every URL, so no document can make the parser read a file or the network.
/// Safe to call many times, from any thread. mallaudit never calls xmlCleanupParser.
void clibxml2shim_init(void);

/// The parser options every mallaudit read uses: no network, no entity substitution
/// (XML_PARSE_NOENT is deliberately absent), no XInclude (XML_PARSE_XINCLUDE absent),
/// line numbers beyond 65535 kept.
int clibxml2shim_safe_parse_options(void);
#endif
