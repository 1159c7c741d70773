/// "Did you mean …?" for a name that does not exist: the closest of the names that do.
///
/// Closeness is the optimal-string-alignment distance (Levenshtein plus adjacent
/// transpositions, so `pirnt` is one edit from `print`), ignoring case, within a bound that
/// grows with the name (1 edit up to 4 letters, 2 up to 8, 3 beyond), or a name that one of
/// the two starts (`totals` → `total`, three letters at least). Ties go to the longer shared
/// prefix, then the nearer length, then alphabetical order, so the answer never depends on
/// the order the names come in.
enum Suggestion {
    /// The closest of `names` to `name`, or nil when none is close enough.
    static func closest(to name: String, among names: [String]) -> String? {
        let typed = Array(name.lowercased())
        guard !typed.isEmpty else { return nil }
        let bound = typed.count <= 4 ? 1 : typed.count <= 8 ? 2 : 3
        var best: (key: (Int, Int, Int, String), name: String)?
        for candidate in names {
            let other = Array(candidate.lowercased())
            guard other != typed else { continue }
            let d = distance(typed, other)
            let prefix = sharedPrefix(typed, other)
            let startsTheOther = prefix == min(typed.count, other.count) && prefix >= 3
            guard d <= bound || startsTheOther else { continue }
            let key = (d, -prefix, abs(other.count - typed.count), candidate)
            if best == nil || key < best!.key { best = (key, candidate) }
        }
        return best?.name
    }

    /// `"; did you mean 'x'?"`, or nothing.
    static func hint(for name: String, among names: [String]) -> String {
        closest(to: name, among: names).map { "; did you mean '\($0)'?" } ?? ""
    }

    /// Optimal string alignment distance (names of at most 40 characters are compared).
    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        let a = Array(a.prefix(40)), b = Array(b.prefix(40))
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
            }
        }
        return d[a.count][b.count]
    }

    private static func sharedPrefix(_ a: [Character], _ b: [Character]) -> Int {
        zip(a, b).prefix { $0 == $1 }.count
    }
}
