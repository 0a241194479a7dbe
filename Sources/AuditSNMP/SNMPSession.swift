import CNetSNMP
import CNetSNMPShim
import Foundation

/// One net-snmp session (single-session API) to one agent, closed in `deinit`.
///
/// Must not cross threads: created, used and released only on the SNMP event-loop thread, because Debian's
/// net-snmp is not reentrant.
final class SNMPSession {
    let handle: OpaquePointer
    let agent: SNMPAgent

    /// Opens a session without sending anything (v3 engine discovery happens with the first request).
    init(agent: SNMPAgent) throws(SNMPError) {
        self.agent = agent
        if let problem = agent.configurationProblem() {
            throw .invalidConfiguration(agent: agent.label, message: problem)
        }
        var options = cnetsnmpshim_options()
        options.timeout_us = max(1, Int(agent.timeout * 1_000_000))
        options.retries = Int32(agent.retries)
        var errorBuffer = [CChar](repeating: 0, count: 512)
        let opened: OpaquePointer? = agent.address.withCString { peer in
            options.peername = peer
            switch agent.version {
            case .v1, .v2c:
                options.version = agent.version == .v1 ? 1 : 2
                return (agent.community ?? "").withCString { community in
                    options.community = community
                    return cnetsnmpshim_open(&options, &errorBuffer, errorBuffer.count)
                }
            case .v3:
                let v3 = agent.v3 ?? SNMPAgent.V3Security(user: "", level: .noAuthNoPriv)
                options.version = 3
                options.security_level = Self.level(v3.level)
                options.auth_protocol = Self.auth(v3.authProtocol)
                options.priv_protocol = Self.priv(v3.privProtocol)
                return v3.user.withCString { user in
                    options.security_name = user
                    return (v3.authPassphrase ?? "").withCString { auth in
                        options.auth_password = auth
                        return (v3.privPassphrase ?? "").withCString { priv in
                            options.priv_password = priv
                            return cnetsnmpshim_open(&options, &errorBuffer, errorBuffer.count)
                        }
                    }
                }
            }
        }
        guard let opened else {
            let message = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw .sendFailed(agent: agent.label, message: message.isEmpty ? "cannot open a session" : message)
        }
        handle = opened
    }

    deinit { cnetsnmpshim_close(handle) }

    /// The session's socket descriptor, or -1.
    var socket: Int32 { cnetsnmpshim_socket(handle) }

    /// Builds and sends a request for `oids`; returns the request id.
    func send(command: Int32, oids: [SNMPObjectID], maxRepetitions: Int = 0) -> Result<Int32, SNMPError> {
        guard let pdu = cnetsnmpshim_pdu_create(command) else {
            return .failure(.sendFailed(agent: agent.label, message: "out of memory creating a PDU"))
        }
        for oid in oids {
            let components: [UInt] = oid.components.map { UInt($0) }
            let added = components.withUnsafeBufferPointer { cnetsnmpshim_pdu_add(pdu, $0.baseAddress, $0.count) }
            if added != 0 {
                cnetsnmpshim_pdu_free(pdu)
                return .failure(.sendFailed(agent: agent.label, message: "cannot add \(oid) to a PDU"))
            }
        }
        if command == cnetsnmpshim_msg_getbulk { cnetsnmpshim_pdu_set_bulk(pdu, 0, maxRepetitions) }
        var errorBuffer = [CChar](repeating: 0, count: 512)
        let reqid = cnetsnmpshim_send(handle, pdu, &errorBuffer, errorBuffer.count)
        if reqid == 0 {
            let message = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return .failure(.sendFailed(agent: agent.label, message: message.isEmpty ? "send failed" : message))
        }
        return .success(reqid)
    }

    /// The next completed exchange queued by the session's callback, decoded.
    func nextEvent() -> SNMPSessionEvent? {
        guard let raw = cnetsnmpshim_next_event(handle) else { return nil }
        defer { cnetsnmpshim_event_free(raw) }
        let event = raw.pointee
        var varbinds: Result<[SNMPVarBind], SNMPDecodeFailure> = .success([])
        if let pdu = event.pdu {
            varbinds = Self.decode(pdu.pointee.variables)
        }
        return SNMPSessionEvent(
            operation: SNMPSessionEvent.Operation(rawValue: event.op) ?? .other, requestID: event.reqid,
            command: event.command, errorStatus: Int(event.errstat), errorIndex: Int(event.errindex),
            reportError: event.report_error, varbinds: varbinds)
    }

    // MARK: decoding

    static func decode(
        _ first: UnsafeMutablePointer<netsnmp_variable_list>?
    ) -> Result<[SNMPVarBind], SNMPDecodeFailure> {
        var out: [SNMPVarBind] = []
        var cursor = first
        while let variable = cursor {
            let v = variable.pointee
            var components: [UInt32] = []
            components.reserveCapacity(Int(v.name_length))
            if let name = v.name {
                for index in 0..<Int(v.name_length) {
                    guard let sub = UInt32(exactly: name[index]) else {
                        return .failure(SNMPDecodeFailure("sub-identifier \(name[index]) does not fit in 32 bits"))
                    }
                    components.append(sub)
                }
            }
            let oid = SNMPObjectID(components)
            switch decodeValue(variable) {
            case let .success(value): out.append(SNMPVarBind(oid: oid, value: value))
            case let .failure(failure): return .failure(SNMPDecodeFailure("\(oid): \(failure.message)"))
            }
            cursor = v.next_variable
        }
        return .success(out)
    }

    static func decodeValue(
        _ variable: UnsafeMutablePointer<netsnmp_variable_list>
    ) -> Result<SNMPValue, SNMPDecodeFailure> {
        let v = variable.pointee
        let length = Int(v.val_len)
        func bytes() -> [UInt8] {
            guard length > 0, let base = cnetsnmpshim_var_bytes(variable) else { return [] }
            return Array(UnsafeBufferPointer(start: base, count: length))
        }
        switch v.type {
        case 0x02: return .success(.integer(Int64(cnetsnmpshim_var_integer(variable))))
        case 0x04: return .success(.octets(bytes()))
        case 0x05: return .success(.null)
        case 0x06:
            var components: [UInt32] = []
            if let objid = cnetsnmpshim_var_objid(variable) {
                for index in 0..<cnetsnmpshim_var_objid_len(variable) {
                    guard let sub = UInt32(exactly: objid[index]) else {
                        return .failure(
                            SNMPDecodeFailure("OID value sub-identifier \(objid[index]) does not fit in 32 bits"))
                    }
                    components.append(sub)
                }
            }
            return .success(.oid(SNMPObjectID(components)))
        case 0x40: return .success(.ipAddress(bytes()))
        case 0x41: return .success(.counter32(UInt32(truncatingIfNeeded: cnetsnmpshim_var_unsigned(variable))))
        case 0x42: return .success(.gauge32(UInt32(truncatingIfNeeded: cnetsnmpshim_var_unsigned(variable))))
        case 0x43: return .success(.timeticks(UInt32(truncatingIfNeeded: cnetsnmpshim_var_unsigned(variable))))
        case 0x44: return .success(.opaque(bytes()))
        case 0x46: return .success(.counter64(UInt64(cnetsnmpshim_var_counter64(variable))))
        // net-snmp's opaque special types: an Opaque wrapping a number, decoded by the library.
        case 0x76: return .success(.opaqueCounter64(UInt64(cnetsnmpshim_var_counter64(variable))))
        case 0x78: return .success(.opaqueFloat(cnetsnmpshim_var_float(variable)))
        case 0x79: return .success(.opaqueDouble(cnetsnmpshim_var_double(variable)))
        case 0x7A: return .success(.opaqueInt64(Int64(bitPattern: UInt64(cnetsnmpshim_var_counter64(variable)))))
        case 0x7B: return .success(.opaqueUInt64(UInt64(cnetsnmpshim_var_counter64(variable))))
        case 0x80: return .success(.noSuchObject)
        case 0x81: return .success(.noSuchInstance)
        case 0x82: return .success(.endOfMibView)
        default: return .success(.other(tag: v.type, bytes: bytes()))
        }
    }

    private static func level(_ level: SNMPAgent.SecurityLevel) -> Int32 {
        switch level {
        case .noAuthNoPriv: 1
        case .authNoPriv: 2
        case .authPriv: 3
        }
    }

    private static func auth(_ proto: SNMPAgent.AuthProtocol) -> Int32 {
        switch proto {
        case .md5: Int32(CNETSNMPSHIM_AUTH_MD5)
        case .sha: Int32(CNETSNMPSHIM_AUTH_SHA)
        case .sha224: Int32(CNETSNMPSHIM_AUTH_SHA224)
        case .sha256: Int32(CNETSNMPSHIM_AUTH_SHA256)
        case .sha384: Int32(CNETSNMPSHIM_AUTH_SHA384)
        case .sha512: Int32(CNETSNMPSHIM_AUTH_SHA512)
        }
    }

    private static func priv(_ proto: SNMPAgent.PrivProtocol) -> Int32 {
        switch proto {
        case .des: Int32(CNETSNMPSHIM_PRIV_DES)
        case .aes: Int32(CNETSNMPSHIM_PRIV_AES)
        case .aes192: Int32(CNETSNMPSHIM_PRIV_AES192)
        case .aes256: Int32(CNETSNMPSHIM_PRIV_AES256)
        }
    }
}

/// What happened to one request of a session, as its callback reported it.
struct SNMPSessionEvent {
    enum Operation: Int32 {
        case received = 1
        case timedOut = 2
        case sendFailed = 3
        case resend = 6
        case securityError = 7
        case other = -1
    }

    var operation: Operation
    var requestID: Int32
    var command: Int32
    var errorStatus: Int
    var errorIndex: Int
    /// SNMPERR_* code of a REPORT PDU.
    var reportError: Int32
    /// The varbinds, or why they could not be decoded.
    var varbinds: Result<[SNMPVarBind], SNMPDecodeFailure>

    var isReport: Bool { operation == .received && command == cnetsnmpshim_msg_report }
}

/// Why a received PDU could not be decoded.
struct SNMPDecodeFailure: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
