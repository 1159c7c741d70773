import Foundation
import XCTest
import M2NN

final class SafeTensorsTests: XCTestCase {
    var dir: URL!
    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("m2t-st-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func testRoundTripIsBitExact() throws {
        let net = try resnet18(width: 4, channels: 1, stem: .small, seed: 3)
        _ = try net(Tensor.randn([4, 1, 8, 8], generator: RandomGenerator(seed: 1)))   // non-trivial running stats
        let url = dir.appendingPathComponent("net.safetensors")
        try net.save(to: url, metadata: ["arch": "resnet18"])
        let copy = try resnet18(width: 4, channels: 1, stem: .small, seed: 99)
        let report = try copy.load(from: url)
        XCTAssertTrue(report.isClean)
        for ((k, a), (_, b)) in zip(net.stateDict(), copy.stateDict()) {
            XCTAssertEqual(a.scalars.map(\.bitPattern), b.scalars.map(\.bitPattern), k)
        }
        XCTAssertEqual(try SafeTensors.read(url).metadata["arch"], "resnet18")
    }

    func testBackbonePrefixAndNonStrictReport() throws {
        let net = try resnet18(width: 4, stem: .small)
        let url = dir.appendingPathComponent("b.safetensors")
        try net.save(to: url, prefix: "backbone.")
        let plain = try resnet18(width: 4, stem: .small, classes: 10)
        let report = try plain.load(from: url, strict: false, prefix: "backbone.")
        XCTAssertEqual(report.missing, ["fc.weight", "fc.bias"])
        XCTAssertThrowsError(try plain.load(from: url, strict: true, prefix: "backbone.")) { e in
            XCTAssertTrue("\(e)".contains("missing keys: fc.weight"), "\(e)")
        }
        let wide = try resnet18(width: 8, stem: .small)
        XCTAssertThrowsError(try wide.load(from: url, prefix: "backbone.")) { e in
            XCTAssertTrue("\(e)".contains("shape mismatch for conv1.weight"), "\(e)")
        }
    }

    func testBadFilesNameKeyAndProblem() throws {
        let good = try SafeTensors.encode([("a.weight", try Tensor([1, 2, 3, 4], shape: [2, 2]))])
        func decodeError(_ d: Data) -> String {
            do { _ = try SafeTensors.decode(d, file: "f.safetensors"); return "no error" } catch { return "\(error)" }
        }
        XCTAssertTrue(decodeError(good.prefix(good.count - 3)).contains("'a.weight'"))
        XCTAssertTrue(decodeError(good.prefix(good.count - 3)).contains("outside"))
        XCTAssertTrue(decodeError(good.prefix(5)).contains("shorter than"))
        XCTAssertTrue(decodeError(good.prefix(20)).contains("exceeds the file size"))
        // Four elements of 4 bytes (8 in the Float64 build), written as F32 (F64).
        let (bytes, dtype) = MemoryLayout<TensorScalar>.size == 8 ? (32, "F64") : (16, "F32")
        let lying = String(decoding: good, as: UTF8.self).replacingOccurrences(of: "[0,\(bytes)]", with: "[0,12]")
        XCTAssertTrue(decodeError(Data(lying.utf8)).contains("12 bytes for shape [2, 2]"))
        let badType = String(decoding: good, as: UTF8.self).replacingOccurrences(of: "\"\(dtype)\"", with: "\"U8\" ")
        XCTAssertTrue(decodeError(Data(badType.utf8)).contains("unsupported dtype U8"))
        var garbage = Data([8, 0, 0, 0, 0, 0, 0, 0]); garbage.append(Data("not json".utf8))
        XCTAssertTrue(decodeError(garbage).contains("not a JSON object"))
    }

    /// Files written by PyTorch in other dtypes (and by the other build of M2T) read as the
    /// same values: F64, F16, BF16, I32 and I64 alongside F32.
    func testEveryDTypeDecodes() throws {
        // [1.5, -2.25] in each dtype, little-endian.
        func bytes<T>(_ values: [T]) -> [UInt8] { values.withUnsafeBytes { Array($0) } }
        let entries: [(String, String, [UInt8])] = [
            ("f32", "F32", bytes([Float(1.5).bitPattern, Float(-2.25).bitPattern])),
            ("f64", "F64", bytes([Double(1.5).bitPattern, Double(-2.25).bitPattern])),
            ("f16", "F16", bytes([Float16(1.5).bitPattern, Float16(-2.25).bitPattern])),
            ("bf16", "BF16", bytes([UInt16(Float(1.5).bitPattern >> 16), UInt16(Float(-2.25).bitPattern >> 16)])),
            ("i32", "I32", bytes([Int32(3), Int32(-4)])),
            ("i64", "I64", bytes([Int64(3), Int64(-4)])),
        ]
        var header: [String: Any] = [:], body = [UInt8]()
        for (key, dtype, data) in entries {
            header[key] = ["dtype": dtype, "shape": [2], "data_offsets": [body.count, body.count + data.count]]
            body += data
        }
        var json = try JSONSerialization.data(withJSONObject: header)
        while json.count % 8 != 0 { json.append(0x20) }
        var file = Data(bytes([UInt64(json.count)]))
        file.append(json)
        file.append(contentsOf: body)
        let tensors = try SafeTensors.decode(file).tensors
        for key in ["f32", "f64", "f16", "bf16"] { XCTAssertEqual(tensors[key]?.scalars, [1.5, -2.25], key) }
        for key in ["i32", "i64"] { XCTAssertEqual(tensors[key]?.scalars, [3, -4], key) }
    }

    func testIntegerCountersAreStoredAsI64() throws {
        let data = try SafeTensors.encode([("bn.num_batches_tracked", Tensor(scalar: 7))])
        XCTAssertTrue(String(decoding: data, as: UTF8.self).contains("I64"))
        XCTAssertEqual(try SafeTensors.decode(data).tensors["bn.num_batches_tracked"]?.item(), 7)
    }
}
