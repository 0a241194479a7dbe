import ArgumentParser
import AuditBundle
import AuditChecklist
import AuditSigning
import Foundation

extension SigningAlgorithm: ExpressibleByArgument {}
extension SignerRole: ExpressibleByArgument {}

/// `mallaudit keys`: signing keys for bundles.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Make and show signing keys for audit bundles (SM2 with SM3, or Ed25519).",
        subcommands: [KeysGenerate.self, KeysImport.self, KeysShow.self])
}

/// Options shared by `keys generate` and `keys import`.
struct NewKeyOptions: ParsableArguments {
    @Option(help: "The key holder's name, e.g. 王工.")
    var name: String

    @Option(help: "The key holder's organisation, e.g. 徐州市商务局.")
    var org: String

    @Option(name: .shortAndLong, help: "The private key file to write (KEY.pub is written beside it).")
    var output: String

    @Option(name: .customLong("valid-days"), help: "Validity from now, in days.")
    var validDays: Int = 365

    @Flag(help: "Write the private key unencrypted (only when asked: by default it is encrypted).")
    var unencrypted = false

    @Option(name: .customLong("passphrase-env"), help: "Environment variable holding the passphrase (else asked).")
    var passphraseEnv: String?

    /// The passphrase for the new key, or nil for --unencrypted.
    func passphrase() throws -> [UInt8]? {
        if unencrypted {
            guard passphraseEnv == nil else { throw failure("--unencrypted and --passphrase-env contradict each other") }
            return nil
        }
        return try Passphrase.obtain(variable: passphraseEnv, prompt: "passphrase for the new key: ", confirm: true)
    }

    func report(_ made: GeneratedKey) {
        print("wrote \(made.privateKeyFile.path) (\(made.encrypted ? "encrypted" : "NOT encrypted"), mode 0600) "
              + "and \(made.publicKeyFile.path)")
        print("\(made.publicKey.algorithm.rawValue) key of \(made.publicKey.name), \(made.publicKey.organization); "
              + "fingerprint \(made.publicKey.fingerprint); valid \(made.publicKey.notBefore) to \(made.publicKey.notAfter)")
    }
}

struct KeysGenerate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate a signing key: a PKCS#8 PEM private key (mode 0600, encrypted) and its public key file.",
        usage: "mallaudit keys generate --algorithm <algorithm> --name <name> --org <org>\n  --output <output> [<options>]",
        discussion: """
            The private key is encrypted with PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) under a passphrase read from the \
            environment variable --passphrase-env names, else asked twice on the terminal without echo. KEY.pub (the \
            .key suffix replaced) holds the holder's name and organisation, the algorithm, the validity period and the \
            fingerprint (SHA-256 of the public key's DER SubjectPublicKeyInfo): give it to whoever verifies bundles.
            """)

    @Option(help: "sm2 (SM2 with SM3) or ed25519.")
    var algorithm: SigningAlgorithm

    @OptionGroup var key: NewKeyOptions

    func run() throws {
        try orExit {
            let made = try KeyGeneration.generate(
                algorithm: algorithm, holder: KeyHolder(name: key.name, organization: key.org),
                validDays: key.validDays, passphrase: try key.passphrase(), output: URL(fileURLWithPath: key.output))
            key.report(made)
        }
    }
}

struct KeysImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Take a PKCS#8 key made elsewhere (openssl genpkey -algorithm SM2|ed25519) and write it with its "
            + "public key file, as generate does.",
        usage: "mallaudit keys import <source> --name <name> --org <org>\n  --output <output> [<options>]")

    @Argument(help: "The PKCS#8 PEM key to import.")
    var source: String

    @Option(name: .customLong("source-passphrase-env"), help: "Environment variable with the source key's passphrase.")
    var sourcePassphraseEnv: String?

    @OptionGroup var key: NewKeyOptions

    func run() throws {
        try orExit {
            let sourceURL = URL(fileURLWithPath: source)
            let sourcePassphrase =
                SigningIdentity.isEncrypted(keyFile: sourceURL)
                ? try Passphrase.obtain(variable: sourcePassphraseEnv, prompt: "passphrase of \(source): ") : nil
            let made = try KeyGeneration.importKey(
                from: sourceURL, sourcePassphrase: sourcePassphrase,
                holder: KeyHolder(name: key.name, organization: key.org), validDays: key.validDays,
                passphrase: try key.passphrase(), output: URL(fileURLWithPath: key.output))
            key.report(made)
        }
    }
}

struct KeysShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show a key's holder, algorithm, fingerprint and validity (no passphrase needed).")

    @Argument(help: "A public key file (.pub) or a private key file with its .pub beside it.")
    var file: String

    func run() throws {
        try orExit { print(try KeyDescription.describe(URL(fileURLWithPath: file)), terminator: "") }
    }
}

/// `mallaudit bundle`: a signed bundle of a stored run.
struct BundleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bundle",
        abstract: "Write a signed audit bundle of a stored run, or countersign one.",
        subcommands: [BundleCreate.self, BundleCountersignCommand.self], defaultSubcommand: BundleCreate.self)
}

struct BundleCreate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Write one zip: reports, evidence, checklist, site profile, measured inputs' digests, a manifest and "
            + "a DSSE envelope signed with --key (docs/bundles.md).",
        usage: "mallaudit bundle create --key <key> --output <output> [<options>]")

    @Option(help: databaseHelp)
    var db: String?

    @Option(name: .customLong("run"), help: "The run: its id, latest, or latest~N.")
    var runReference: String = "latest"

    @Option(help: "The signing key (its .pub beside it).")
    var key: String

    @Option(name: .customLong("passphrase-env"), help: "Environment variable holding the key's passphrase (else asked).")
    var passphraseEnv: String?

    @Option(help: "inspector or evaluator.")
    var role: SignerRole = .inspector

    @Option(name: .shortAndLong, help: "The zip to write.")
    var output: String

    @Option(help: "The site profile the run used (default: site.yaml beside the database).")
    var site: String?

    @Option(help: "The checklist the run was judged with (default: the bundled one).")
    var checklist: String?

    @Option(name: .customLong("leave-out"), help: "Leave out an evidence file (its name or SHA-256); it stays listed.")
    var leaveOut: [String] = []

    func run() throws {
        try orExit {
            let outcome = try BundleBuilder.build(BundleRequest(
                database: existingStore(db).url, run: runReference,
                identity: try SigningIdentity.open(keyFile: URL(fileURLWithPath: key), passphraseVariable: passphraseEnv),
                role: role, output: URL(fileURLWithPath: output), siteProfile: site.map { URL(fileURLWithPath: $0) },
                checklist: checklist.map { URL(fileURLWithPath: $0) } ?? ChecklistLocator.defaultChecklist(),
                leaveOut: leaveOut, toolVersion: mallauditVersion))
            let predicate = outcome.statement.predicate
            print("wrote \(output): run \(predicate.run.id) of \(predicate.mall.name), \(predicate.verdict), "
                  + "\(outcome.members.count) members, signed by \(predicate.signer.name) as \(predicate.signer.role.rawValue)")
            for left in outcome.leftOut {
                let why = left.leftOutBecause == "personalData"
                    ? "it holds what looks like a visitor's personal data" : "as asked"
                print("  left out (listed with its SHA-256), \(why): \(left.sha256) "
                      + left.uses.map(\.name).joined(separator: ", "))
            }
        }
    }
}

struct BundleCountersignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "countersign",
        abstract: "Add a signature over the same statement (the mall's: --role mall).",
        usage: "mallaudit bundle countersign <bundle> --key <key> [<options>]")

    @Argument(help: "The bundle (rewritten in place, atomically).")
    var bundle: String

    @Option(help: "The countersigning key (its .pub beside it).")
    var key: String

    @Option(name: .customLong("passphrase-env"), help: "Environment variable holding the key's passphrase (else asked).")
    var passphraseEnv: String?

    @Option(help: "mall, evaluator or inspector.")
    var role: SignerRole = .mall

    func run() throws {
        try orExit {
            let signatures = try BundleCountersign.countersign(
                archive: URL(fileURLWithPath: bundle),
                identity: try SigningIdentity.open(keyFile: URL(fileURLWithPath: key), passphraseVariable: passphraseEnv),
                role: role)
            print("countersigned \(bundle); signatures:")
            for signature in signatures {
                print("  \(signature.name), \(signature.organization) as \(signature.role.rawValue) at \(signature.signedAt) "
                      + "(\(signature.algorithm), key \(signature.keyid))")
            }
        }
    }
}

/// `mallaudit verify`: offline verification of a bundle.
struct VerifyCommand: ParsableCommand {
    enum Format: String, ExpressibleByArgument { case text, json }

    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify a signed audit bundle offline: exit 0 valid, 2 invalid (each problem named), 1 unusable.",
        usage: "mallaudit verify <bundle> --trust <trust> [<options>]",
        discussion: """
            Every member against the signed statement, no member missing or extra, every signature against a trusted \
            key (valid at its stated signing time, not revoked), the XML report valid against report.xsd, and its \
            summary recomputed from the statement verdicts equal to the one stated (docs/bundles.md).
            """)

    @Argument(help: "The bundle zip.")
    var bundle: String

    @Option(help: "A trusted public key file (.pub) or a folder of them.")
    var trust: String

    @Option(help: "A file of revoked key fingerprints, one a line.")
    var revoked: String?

    @Option(help: "text or json.")
    var format: Format = .text

    func run() throws {
        let verification = BundleVerification.verify(
            bundle: URL(fileURLWithPath: bundle), trust: URL(fileURLWithPath: trust),
            revoked: revoked.map { URL(fileURLWithPath: $0) })
        switch format {
        case .json: print(verification.json(bundle: bundle), terminator: "")
        case .text: print(verification.text(bundle: bundle), terminator: "")
        }
        // Unusable is the tool not doing it (exit 1): said on standard error too, in the one format.
        if verification.status == .unusable {
            printError("mallaudit: error: \(bundle) could not be verified")
            for problem in verification.problems { printError("  \(problem)") }
        }
        if verification.exitCode != 0 { throw ExitCode(verification.exitCode) }
    }
}
