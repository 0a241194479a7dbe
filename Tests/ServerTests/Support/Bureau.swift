import Foundation

/// The cast of most server tests: two malls (A in 云龙区, B in 鼓楼区), and one account of every role with a
/// registered signer key where the role signs.
struct Bureau: Sendable {
    static let mallA = "91320300MA1AAAAA0A"
    static let mallB = "91320300MA1BBBBB0B"

    let world: ServerWorld
    let admin: ServerWorld.Account
    let viewer: ServerWorld.Account
    let inspector: ServerWorld.Account
    let evaluator: ServerWorld.Account
    let mallAAccount: ServerWorld.Account
    let mallBAccount: ServerWorld.Account
    // SM2 for the bureau's inspector, Ed25519 for the others: both algorithms go through every test.
    let inspectorKey = TestSigner(algorithm: .sm2, name: "王工", organization: "徐州市商务局")
    let evaluatorKey = TestSigner(name: "赵工", organization: "某评估公司")
    let mallAKey = TestSigner(name: "李经理", organization: "云龙万达广场")
    let mallBKey = TestSigner(name: "周经理", organization: "金鹰国际购物中心")

    init(_ world: ServerWorld) throws {
        self.world = world
        try world.mall(Self.mallA, name: "云龙万达广场", district: "云龙区")
        try world.mall(Self.mallB, name: "金鹰国际购物中心", district: "鼓楼区")
        admin = try world.account("admin", role: "bureau-admin")
        viewer = try world.account("viewer", role: "bureau-viewer")
        inspector = try world.account("inspector", role: "inspector")
        evaluator = try world.account("evaluator", role: "evaluator")
        mallAAccount = try world.account("mall-a", role: "mall", mall: Self.mallA)
        mallBAccount = try world.account("mall-b", role: "mall", mall: Self.mallB)
        try world.register(inspectorKey, to: "inspector")
        try world.register(evaluatorKey, to: "evaluator")
        try world.register(mallAKey, to: "mall-a")
        try world.register(mallBKey, to: "mall-b")
    }

    static func name(_ code: String) -> String { code == mallA ? "云龙万达广场" : "金鹰国际购物中心" }

    /// A bundle for mall A or B signed by the inspector.
    func inspection(_ code: String, run: String, failing: Set<String> = [], date: String = "2025-03-01") -> Data {
        TestBundle.mall(code, Self.name(code), run: run, failing: failing, date: date)
            .signed([Signing(signer: inspectorKey, role: "inspector")])
    }
}
