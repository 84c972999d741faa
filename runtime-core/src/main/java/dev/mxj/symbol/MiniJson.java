package dev.mxj.symbol;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Just enough JSON for symbol files: objects (insertion-ordered), arrays, strings, numbers, literals. */
final class MiniJson {
    private final String s;
    private int pos;

    private MiniJson(String s) { this.s = s; }

    static Object parse(String text) {
        MiniJson p = new MiniJson(text);
        p.ws();
        Object v = p.value();
        p.ws();
        if (p.pos != text.length()) throw p.err("trailing characters");
        return v;
    }

    private SymbolException err(String what) {
        return new SymbolException("Invalid symbol JSON at offset " + pos + ": " + what);
    }

    private void ws() {
        while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) pos++;
    }

    private Object value() {
        if (pos >= s.length()) throw err("unexpected end");
        char c = s.charAt(pos);
        switch (c) {
            case '{': {
                pos++;
                Map<String, Object> m = new LinkedHashMap<>();
                ws();
                if (peek('}')) { pos++; return m; }
                while (true) {
                    ws();
                    if (!peek('"')) throw err("expected a key");
                    String k = string();
                    ws();
                    expect(':');
                    ws();
                    m.put(k, value());
                    ws();
                    if (peek(',')) { pos++; continue; }
                    expect('}');
                    return m;
                }
            }
            case '[': {
                pos++;
                List<Object> l = new ArrayList<>();
                ws();
                if (peek(']')) { pos++; return l; }
                while (true) {
                    ws();
                    l.add(value());
                    ws();
                    if (peek(',')) { pos++; continue; }
                    expect(']');
                    return l;
                }
            }
            case '"': return string();
            default:
                if (s.startsWith("true", pos)) { pos += 4; return Boolean.TRUE; }
                if (s.startsWith("false", pos)) { pos += 5; return Boolean.FALSE; }
                if (s.startsWith("null", pos)) { pos += 4; return null; }
                int start = pos;
                while (pos < s.length() && "+-0123456789.eE".indexOf(s.charAt(pos)) >= 0) pos++;
                if (start == pos) throw err("unexpected character '" + c + "'");
                String num = s.substring(start, pos);
                try {
                    if (num.matches("-?\\d+")) return Long.parseLong(num);
                    return Double.parseDouble(num);
                } catch (NumberFormatException e) {
                    throw err("bad number " + num);
                }
        }
    }

    private boolean peek(char c) { return pos < s.length() && s.charAt(pos) == c; }

    private void expect(char c) {
        if (!peek(c)) throw err("expected '" + c + "'");
        pos++;
    }

    private String string() {
        expect('"');
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= s.length()) throw err("unterminated string");
            char c = s.charAt(pos++);
            if (c == '"') return sb.toString();
            if (c != '\\') { sb.append(c); continue; }
            char e = s.charAt(pos++);
            switch (e) {
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case 'r' -> sb.append('\r');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'u' -> { sb.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16)); pos += 4; }
                default -> sb.append(e);
            }
        }
    }

    static String quote(String v) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : v.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                default -> {
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        return sb.append('"').toString();
    }
}
