package dev.mxj.symbol;

import dev.mxj.examples.SymbolNetworks;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The generated typed constructors build the same graphs (and JSON) as {@code Symbol.create} / {@code mx.sym.<Op>}. */
class SymTest {
    @Test
    void typedConstructorsMatchGenericCreation() {
        Symbol data = Symbol.var("data");
        Symbol x = Sym.convolution("conv1", data, new long[] {5, 5}, 20);
        x = Sym.activation("tanh1", x, "tanh");
        x = Sym.pooling("pool1", x, new long[] {2, 2}, "max", null, null, null, new long[] {2, 2}, null, null, null, null);
        // parameters in the order the typed constructor passes them (the registry's), since JSON keeps the given order
        Symbol viaCreate = Symbol.create("Pooling", "pool1", ordered("kernel", "(2, 2)", "pool_type", "max", "stride", "(2, 2)"),
                Symbol.create("Activation", "tanh1", Map.of("act_type", "tanh"),
                        Symbol.create("Convolution", "conv1", ordered("kernel", "(5, 5)", "num_filter", 20), Symbol.var("data"))));
        assertEquals(viaCreate.toJson(), x.toJson());
        assertEquals(List.of("data", "conv1_weight", "conv1_bias"), x.listArguments());

        Symbol mlp = Sym.softmaxOutput("softmax", Sym.fullyConnected("fc2", Sym.activation("relu1", Sym.fullyConnected("fc1", Symbol.var("data"), 16), "relu"), 3));
        assertEquals(SymbolNetworks.mlp(3, 16).toJson(), mlp.toJson());
    }

    private static Map<String, Object> ordered(Object... kv) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    @Test
    void inputsParametersAndVariadicOperators() {
        Symbol w = Symbol.var("shared_w");
        Symbol fc = Sym.fullyConnected("fc", Symbol.var("x"), w, null, 4, true, null);
        assertEquals(List.of("x", "shared_w"), fc.listArguments(), "no_bias drops the bias input; the given weight is used");
        Symbol cat = Sym.concat("cat", Symbol.var("a"), Symbol.var("b"), Symbol.var("c"));
        assertEquals(List.of("a", "b", "c"), cat.listArguments());
        assertEquals("3", cat.listAttr().get("num_args"));
        assertEquals("1", Sym.concat("cat2", new Symbol[] {Symbol.var("a")}, 1).listAttr().get("dim"));
        SymbolException e = assertThrows(SymbolException.class, () -> Sym.fullyConnected("bad", Symbol.var("x"), null, Symbol.var("b"), 4, true, null));
        assertTrue(e.getMessage().contains("has no input named 'bias'"), e.getMessage());
        try (var n = NameManager.prefix("net_")) {
            assertEquals("net_fullyconnected0", Sym.fullyConnected(null, Symbol.var("x"), 2).name());
        }
    }
}
