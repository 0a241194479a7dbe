import AuditModel
import CCurl
import CCurlShim
import CNetSNMP
import CNetSNMPShim
import Foundation

enum LinkCheck {
    static func c() {
        _ = ccurlshim_global_init_once()
        cnetsnmpshim_init()
    }
}
