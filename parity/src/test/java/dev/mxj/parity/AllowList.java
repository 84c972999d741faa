package dev.mxj.parity;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A file of documented divergences between mxj and MXNet 1.9.1: one entry per line, a key and its
 * reason ({@code # comments}). A suite asks {@link #covering} with the keys that could cover a
 * differing case, most specific first (e.g. {@code op#3}, {@code op}); an entry {@code op#i,j}
 * stands for the keys {@code op#i} and {@code op#j} (likewise {@code op!i,j}). Entries that covered nothing in a complete run
 * are stale ({@link #stale}): the suites fail on them, so the list cannot outlive the differences.
 */
final class AllowList {
    private final String file;
    /** expanded key -> the entry as written */
    private final Map<String, String> entryOf = new LinkedHashMap<>();
    private final Map<String, String> reasons = new LinkedHashMap<>();
    private final Set<String> used = new TreeSet<>();

    private AllowList(String file) { this.file = file; }

    /** The list in test resource {@code file} (an absent file is an empty list). */
    static AllowList load(String file) {
        AllowList l = new AllowList(file);
        try (InputStream in = AllowList.class.getResourceAsStream("/" + file)) {
            if (in == null) return l;
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            int lineNo = 0;
            for (String line; (line = r.readLine()) != null; ) {
                lineNo++;
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) continue;
                String[] parts = line.split("\\s+", 2);
                if (parts.length < 2) throw new IllegalStateException(file + ":" + lineNo + ": no reason given for " + parts[0]);
                String entry = parts[0];
                if (l.reasons.put(entry, parts[1]) != null) throw new IllegalStateException(file + ":" + lineNo + ": duplicate entry " + entry);
                int mark = Math.max(entry.lastIndexOf('#'), entry.lastIndexOf('!'));
                if (mark > 0 && entry.substring(mark + 1).matches("[0-9]+(,[0-9]+)+")) {
                    for (String n : entry.substring(mark + 1).split(",")) l.entryOf.put(entry.substring(0, mark + 1) + n, entry);
                } else {
                    l.entryOf.put(entry, entry);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
        return l;
    }

    /** The first entry covering one of {@code keys} (marked used), or null. */
    synchronized String covering(List<String> keys) {
        for (String k : keys) {
            String e = entryOf.get(k);
            if (e != null) {
                used.add(e);
                return e;
            }
        }
        return null;
    }

    String reason(String entry) { return reasons.get(entry); }

    /**
     * Judges a difference: when an entry covers one of {@code keys} it is recorded as
     * "allowed divergence" (with the reason), otherwise as "MISMATCH" and an AssertionError is thrown.
     */
    void judge(List<String> keys, String detail, java.util.function.BiConsumer<String, String> record) {
        String entry = covering(keys);
        if (entry != null) {
            record.accept("allowed divergence", detail + " [allowed: " + reason(entry) + "]");
            return;
        }
        record.accept("MISMATCH", detail);
        throw new AssertionError(detail);
    }

    /** Entries that covered no differing case so far. */
    synchronized Set<String> stale() {
        Set<String> s = new TreeSet<>(reasons.keySet());
        s.removeAll(used);
        return s;
    }

    int size() { return reasons.size(); }

    String file() { return file; }
}
