import Foundation
@testable import M2Jupyter
import XCTest

/// The wire format: signatures (HMAC-SHA256 against RFC 4231's vector), framing with
/// identities, what is dropped, JSON integers, the connection file.
final class WireTests: XCTestCase {
    func testSignatureMatchesRFC4231() {
        // RFC 4231, test case 2: key "Jefe", data "what do ya want for nothing?".
        let signer = Signer(key: "Jefe")
        let data = Array("what do ya want for nothing?".utf8)
        XCTAssertEqual(signer.signature([data]), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        // The parts are signed as one stream.
        XCTAssertEqual(signer.signature([Array(data[..<10]), Array(data[10...])]), signer.signature([data]))
        XCTAssertEqual(Signer(key: "").signature([data]), "")
    }

    func testRoundTripWithIdentities() throws {
        let signer = Signer(key: "secret")
        let request = Message(identities: [[1, 2, 3]], header: ["msg_id": "a", "msg_type": "execute_request"], parentHeader: [:],
                              metadata: [:], content: ["code": "1 + 1"])
        var reply = Message(type: "execute_reply", content: ["status": "ok", "execution_count": 3], parent: request, session: "s")
        reply.metadata = ["x": .double(1.5)]
        let frames = reply.encode(signer: signer)
        XCTAssertEqual(frames[0], [1, 2, 3], "routed back to the requester")
        XCTAssertEqual(frames[1], Message.delimiter)
        let decoded = try Message.decode(frames, signer: signer)
        XCTAssertEqual(decoded, reply)
        XCTAssertEqual(decoded.content["execution_count"], .int(3))
        XCTAssertEqual(decoded.parentHeader["msg_id"]?.string, "a")
        XCTAssertEqual(decoded.header["version"]?.string, "5.3")
        XCTAssertTrue(String(decoding: frames[6], as: UTF8.self).contains("\"execution_count\":3"))
    }

    func testDroppedMessages() {
        let signer = Signer(key: "secret")
        var frames = Message(type: "kernel_info_request", content: [:], session: "s").encode(signer: signer)
        XCTAssertNoThrow(try Message.decode(frames, signer: signer))
        XCTAssertThrowsError(try Message.decode(frames, signer: Signer(key: "other"))) {
            XCTAssertEqual($0 as? Message.DecodingError, .badSignature)
        }
        XCTAssertThrowsError(try Message.decode(Array(frames.dropFirst()), signer: signer)) {
            XCTAssertEqual($0 as? Message.DecodingError, .noDelimiter)
        }
        XCTAssertThrowsError(try Message.decode(Array(frames.prefix(4)), signer: signer)) {
            XCTAssertEqual($0 as? Message.DecodingError, .missingParts(3))
        }
        frames[5] = Array("[1]".utf8)  // content: signed, but not an object
        frames[1] = Array(signer.signature(Array(frames[2...5])).utf8)
        XCTAssertThrowsError(try Message.decode(frames, signer: signer)) {
            XCTAssertEqual($0 as? Message.DecodingError, .notAnObject("content"))
        }
        frames[5] = [0xFF, 0x7B]
        frames[1] = Array(signer.signature(Array(frames[2...5])).utf8)
        XCTAssertThrowsError(try Message.decode(frames, signer: signer)) {
            XCTAssertEqual($0 as? Message.DecodingError, .notJSON("content"))
        }
    }

    func testJSONKeepsIntegersAndRejectsGarbage() {
        XCTAssertEqual(JSON(data: Data("{\"a\": 3, \"b\": 2.5, \"c\": [true, null, \"x\"]}".utf8)),
                       ["a": 3, "b": .double(2.5), "c": [true, nil, "x"]])
        XCTAssertNil(JSON(data: Data("{\"a\": ".utf8)))
        XCTAssertEqual(String(decoding: JSON.object(["n": 3]).encoded(), as: UTF8.self), "{\"n\":3}")
        XCTAssertEqual(String(decoding: JSON.double(.nan).encoded(), as: UTF8.self), "null")
    }

    func testConnectionFile() throws {
        let text = """
        {"shell_port": 5001, "iopub_port": 5002, "stdin_port": 5003, "control_port": 5004, "hb_port": 5005,
         "ip": "127.0.0.1", "key": "k", "transport": "tcp", "signature_scheme": "hmac-sha256", "kernel_name": "m2t"}
        """
        let info = try ConnectionInfo(json: Data(text.utf8))
        XCTAssertEqual(info.address(info.controlPort), "tcp://127.0.0.1:5004")
        XCTAssertEqual(info.key, "k")
        XCTAssertThrowsError(try ConnectionInfo(json: Data(text.replacingOccurrences(of: "hmac-sha256", with: "hmac-md5").utf8)))
        XCTAssertThrowsError(try ConnectionInfo(json: Data("{\"shell_port\": 1}".utf8)))
    }
}
