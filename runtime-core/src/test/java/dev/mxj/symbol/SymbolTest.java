package dev.mxj.symbol;

import dev.mxj.op.DType;
import dev.mxj.op.Shape;
import dev.mxj.op.UnknownOperatorException;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class SymbolTest {

    private static Symbol fc(String name, Symbol data, int hidden) {
        return Symbol.op("FullyConnected").name(name).param("num_hidden", hidden).input("data", data).build();
    }

    static Symbol mlp() {
        Symbol data = Symbol.var("data");
        Symbol h = Symbol.op("Activation").name("relu1").param("act_type", "relu").input(fc("fc1", data, 128)).build();
        Symbol h2 = Symbol.op("Activation").name("relu2").param("act_type", "relu").input(fc("fc2", h, 64)).build();
        return Symbol.op("SoftmaxOutput").name("softmax").input("data", fc("fc3", h2, 10)).build();
    }

    @Test void mlpArgumentsOutputsAndAutoCreatedVariables() {
        Symbol net = mlp();
        assertEquals(List.of("data", "fc1_weight", "fc1_bias", "fc2_weight", "fc2_bias", "fc3_weight", "fc3_bias", "softmax_label"),
                net.listArguments());
        assertEquals(List.of("softmax_output"), net.listOutputs());
        assertEquals(List.of(), net.listAuxiliaryStates());
        assertEquals(net.listArguments(), net.listInputs());
        assertEquals("softmax", net.name());
    }

    /** An operator without inputs (_zeros, _random_uniform) gets its shape and type from its parameters alone. */
    @Test void inputlessOperatorsInferFromTheirParameters() {
        Symbol z = Symbol.create("_zeros", "z", Map.of("shape", "(2, 3)"));
        assertEquals(List.of(Shape.of(2, 3)), z.inferShape(Map.of()).outputs());
        assertEquals(List.of(DType.FLOAT32), z.inferType(Map.of()).outputs());
        Symbol u = Symbol.create("_random_uniform", "u", Map.of("shape", "(4,)", "low", "0", "high", "1"));
        assertEquals(List.of(Shape.of(4)), u.inferShape(Map.of()).outputs());
    }

    @Test void automaticNamesAndPrefix() {
        try (var scope = NameManager.scope()) {
            Symbol x = Symbol.var("x");
            Symbol a = Symbol.op("FullyConnected").param("num_hidden", 4).input(x).build();
            Symbol b = Symbol.op("FullyConnected").param("num_hidden", 4).input(a).build();
            assertEquals("fullyconnected0", a.name());
            assertEquals("fullyconnected1", b.name());
            assertEquals(List.of("x", "fullyconnected0_weight", "fullyconnected0_bias", "fullyconnected1_weight", "fullyconnected1_bias"),
                    b.listArguments());
            try (var p = NameManager.prefix("mlp_")) {
                Symbol c = Symbol.op("FullyConnected").param("num_hidden", 4).input(b).build();
                Symbol d = Symbol.op("Activation").name("act").param("act_type", "relu").input(c).build();
                assertEquals("mlp_fullyconnected0", c.name());
                assertEquals("mlp_act", d.name());
                assertTrue(d.listArguments().contains("mlp_fullyconnected0_weight"));
            }
            Symbol e = Symbol.op("FullyConnected").param("num_hidden", 4).input(b).build();
            assertEquals("fullyconnected2", e.name());
            Symbol s = x.add(x);
            assertEquals("_plus0", s.name());
            assertEquals("elemwise_add", s.outputs().get(0).node().op().name());
        }
    }

    @Test void batchNormAuxStates() {
        Symbol bn = Symbol.op("BatchNorm").name("bn1").input(Symbol.var("data")).build();
        assertEquals(List.of("data", "bn1_gamma", "bn1_beta"), bn.listArguments());
        assertEquals(List.of("bn1_moving_mean", "bn1_moving_var"), bn.listAuxiliaryStates());
        assertEquals(List.of("data", "bn1_gamma", "bn1_beta", "bn1_moving_mean", "bn1_moving_var"), bn.listInputs());
        assertEquals(List.of("bn1_output"), bn.listOutputs());
        var r = bn.inferShape(Map.of("data", Shape.of(4, 3, 5, 5)));
        assertEquals(List.of(Shape.of(4, 3, 5, 5), Shape.of(3), Shape.of(3)), r.arguments());
        assertEquals(List.of(Shape.of(3), Shape.of(3)), r.auxiliaryStates());
        assertEquals(List.of(Shape.of(4, 3, 5, 5)), r.outputs());
        Symbol all = Symbol.op("BatchNorm").name("bn2").param("output_mean_var", true).input(Symbol.var("data")).build();
        assertEquals(List.of("bn2_output", "bn2_mean", "bn2_var"), all.listOutputs());
        assertEquals("True", all.attr("output_mean_var"));          // one node: attributes readable
        assertEquals(3, all.inferShape(Map.of("data", Shape.of(4, 3))).outputs().size());
    }

    @Test void groupIndexingInternalsChildren() {
        Symbol net = mlp();
        Symbol internals = net.getInternals();
        List<String> outs = internals.listOutputs();
        assertEquals(List.of("data", "fc1_weight", "fc1_bias", "fc1_output", "relu1_output", "fc2_weight", "fc2_bias", "fc2_output",
                "relu2_output", "fc3_weight", "fc3_bias", "fc3_output", "softmax_label", "softmax_output"), outs);
        Symbol fc2 = internals.get("fc2_output");
        assertEquals("fc2", fc2.name());
        assertEquals(List.of("data", "fc1_weight", "fc1_bias", "fc2_weight", "fc2_bias"), fc2.listArguments());
        assertEquals(List.of("relu1_output", "fc2_weight", "fc2_bias"), fc2.getChildren().listOutputs());
        assertNull(Symbol.var("x").getChildren());
        Symbol g = Symbol.group(fc2, net);
        assertEquals(List.of("fc2_output", "softmax_output"), g.listOutputs());
        assertEquals("softmax", g.get(1).name());
        assertNull(g.attr("name"));                                  // outputs of different nodes
        assertEquals("64", fc2.attr("num_hidden"));
        assertThrows(IndexOutOfBoundsException.class, () -> g.get(2));
        var e = assertThrows(SymbolException.class, () -> g.get("nope"));
        assertTrue(e.getMessage().contains("nope"), e.getMessage());
        Symbol split = Symbol.op("SliceChannel").name("split").param("num_outputs", 3).input(Symbol.var("x")).build();
        assertEquals(List.of("split_output0", "split_output1", "split_output2"), split.listOutputs());
        var ex = assertThrows(SymbolException.class, () -> fc("bad", split, 3));
        assertTrue(ex.getMessage().contains("bad") && ex.getMessage().contains("3 outputs"), ex.getMessage());
    }

    @Test void variableAttributes() {
        Symbol w = Symbol.var("w", Map.of("shape", Shape.of(2, 3), "dtype", DType.FLOAT64, "lr_mult", 0.1, "wd_mult", 2, "init", "[\"zero\", {}]",
                "__ctx_group__", "dev1"));
        assertEquals("(2, 3)", w.attr("__shape__"));
        assertEquals(Integer.toString(DType.FLOAT64.flag()), w.attr("__dtype__"));
        assertEquals("0.1", w.attr("__lr_mult__"));
        assertEquals("2", w.attr("__wd_mult__"));
        assertEquals("[\"zero\", {}]", w.attr("__init__"));
        assertEquals("dev1", w.attr("__ctx_group__"));
        assertEquals("w", w.attr("name"));
        assertNull(w.attr("missing"));
        assertEquals(6, w.listAttr().size());
        var e = assertThrows(SymbolException.class, () -> Symbol.var("v", Map.of("color", "red")));
        assertTrue(e.getMessage().contains("__yourattr__"), e.getMessage());
        Symbol f = Symbol.op("FullyConnected").name("fc").param("num_hidden", 5).param("__mirror_stage__", "1").input(w).build();
        assertEquals(Map.of("num_hidden", "5", "__mirror_stage__", "1"), f.listAttr());
        Map<String, Map<String, String>> all = f.attrDict();
        assertEquals(List.of("w", "fc_weight", "fc_bias", "fc"), List.copyOf(all.keySet()));
        assertEquals(Map.of("num_hidden", "5", "__mirror_stage__", "1"), all.get("fc_bias"));
        assertEquals("0.1", all.get("w").get("__lr_mult__"));
        // __shape__ and __dtype__ seed inference
        Symbol x = Symbol.var("x", Map.of("shape", Shape.of(4, 3)));
        var r = Symbol.op("FullyConnected").name("fc").param("num_hidden", 2).input(x).build().inferShape(Map.of());
        assertEquals(List.of(Shape.of(4, 3), Shape.of(2, 3), Shape.of(2)), r.arguments());
        var t = Symbol.op("FullyConnected").name("fc").param("num_hidden", 2).input(w).build().inferType(Map.of());
        assertEquals(List.of(DType.FLOAT64, DType.FLOAT64, DType.FLOAT64), t.arguments());
    }

    @Test void inferShapeMlpAndPartial() {
        Symbol net = mlp();
        var r = net.inferShape(Map.of("data", Shape.of(100, 784)));
        assertEquals(List.of(Shape.of(100, 784), Shape.of(128, 784), Shape.of(128), Shape.of(64, 128), Shape.of(64), Shape.of(10, 64),
                Shape.of(10), Shape.of(100)), r.arguments());
        assertEquals(List.of(Shape.of(100, 10)), r.outputs());
        assertEquals(List.of(), r.auxiliaryStates());
        Symbol x = Symbol.var("x"), y = Symbol.var("y");
        Symbol s = x.add(y);
        assertNull(s.inferShape(Map.of()));
        var p = s.inferShapePartial(Map.of());
        assertFalse(p.arguments().get(0).isKnown());
        var full = s.inferShape(Map.of("x", Shape.of(2, 2)));
        assertEquals(List.of(Shape.of(2, 2), Shape.of(2, 2)), full.arguments());
        var types = net.inferType(Map.of("data", DType.FLOAT32));
        assertEquals(8, types.arguments().size());
        assertTrue(types.arguments().stream().allMatch(d -> d == DType.FLOAT32));
        assertEquals(List.of(DType.FLOAT32), types.outputs());
    }

    @Test void inferShapeErrorsNameNodeAndShapes() {
        Symbol net = mlp();
        var e = assertThrows(SymbolException.class, () -> net.inferShape(Map.of("data", Shape.of(100, 784), "fc2_weight", Shape.of(64, 100))));
        assertTrue(e.getMessage().contains("fc2"), e.getMessage());
        assertTrue(e.getMessage().contains("(64, 100)") && e.getMessage().contains("(64, 128)"), e.getMessage());
        var u = assertThrows(SymbolException.class, () -> net.inferShape(Map.of("dta", Shape.of(1, 2))));
        assertTrue(u.getMessage().contains("dta") && u.getMessage().contains("data"), u.getMessage());
        Symbol a = Symbol.var("a"), b = Symbol.var("b");
        var m = assertThrows(SymbolException.class, () -> a.add(b).inferShape(Map.of("a", Shape.of(2, 3), "b", Shape.of(3, 2))));
        assertTrue(m.getMessage().contains("_plus"), m.getMessage());
    }

    @Test void creationErrors() {
        var u = assertThrows(UnknownOperatorException.class, () -> Symbol.op("NoSuchOp").build());
        assertTrue(u.getMessage().contains("NoSuchOp"), u.getMessage());
        var p = assertThrows(SymbolException.class, () -> Symbol.op("FullyConnected").name("fc9").param("num_hiden", 3).build());
        assertTrue(p.getMessage().contains("fc9") && p.getMessage().contains("FullyConnected") && p.getMessage().contains("num_hiden"), p.getMessage());
        var v = assertThrows(SymbolException.class, () -> Symbol.op("FullyConnected").name("fc9").param("num_hidden", "abc").build());
        assertTrue(v.getMessage().contains("num_hidden") && v.getMessage().contains("abc"), v.getMessage());
        var r = assertThrows(SymbolException.class, () -> Symbol.op("FullyConnected").name("fc9").build());
        assertTrue(r.getMessage().contains("num_hidden"), r.getMessage());
        var i = assertThrows(SymbolException.class, () -> Symbol.op("FullyConnected").name("fc9").param("num_hidden", 3).input("wieght", Symbol.var("w")).build());
        assertTrue(i.getMessage().contains("wieght") && i.getMessage().contains("weight"), i.getMessage());
    }

    @Test void arithmeticMapsToMxnetOperators() {
        try (var scope = NameManager.scope()) {
            Symbol x = Symbol.var("x"), y = Symbol.var("y");
            assertOp("elemwise_add", x.add(y));
            assertOp("_plus_scalar", x.add(2));
            assertOp("elemwise_sub", x.sub(y));
            assertOp("_minus_scalar", x.sub(1.5));
            assertOp("_rminus_scalar", x.rsub(1));
            assertOp("elemwise_mul", x.mul(y));
            assertOp("_mul_scalar", x.neg());
            assertOp("elemwise_div", x.div(y));
            assertOp("_rdiv_scalar", x.rdiv(1));
            assertOp("_power", x.pow(y));
            assertOp("_power_scalar", x.pow(2));
            assertOp("_rpower_scalar", x.rpow(2));
            assertEquals("_rpower_scalar1", x.rpow(3).name());     // hint is the name symbol.py calls, lower-cased
            assertOp("_rmod_scalar", x.rmod(2));
            assertEquals("_mulscalar1", x.neg().name());          // -x: x * -1.0, named as MXNet's "<Symbol _mulscalar0>"
            assertOp("_equal", x.eq(y));
            assertOp("_greater_scalar", x.gt(0));
            assertOp("_lesser_equal", x.le(y));
            Symbol z = x.mul(y).add(x.div(2)).neg();
            assertEquals(List.of("x", "y"), z.listArguments());
            var r = z.inferShape(Map.of("x", Shape.of(3)));
            assertEquals(List.of(Shape.of(3)), r.outputs());
            assertEquals("-1.0", z.attr("scalar"));          // -x is x * -1.0, as symbol.py
            assertEquals("2", x.add(2).attr("scalar"));       // parameters kept as given (Python str())
            assertEquals("0.5", x.mul(0.5).attr("scalar"));
        }
    }

    private static void assertOp(String op, Symbol s) {
        assertEquals(op, s.outputs().get(0).node().op().name());
    }

    @Test void composeReplacesVariables() {
        Symbol data = Symbol.var("data");
        Symbol head = Symbol.op("Activation").name("act").param("act_type", "relu").input(fc("fc", data, 4)).build();
        Symbol body = fc("body", Symbol.var("x"), 8);
        Symbol net = head.compose(null, Map.of("data", body));
        assertEquals(List.of("x", "body_weight", "body_bias", "fc_weight", "fc_bias"), net.listArguments());
        assertEquals(List.of("data", "fc_weight", "fc_bias"), head.listArguments());   // original unchanged
        Symbol named = head.compose("act2", Map.of("data", body));
        assertEquals(List.of("act2_output"), named.listOutputs());
        assertEquals(List.of(Shape.of(5, 4)), named.inferShape(Map.of("x", Shape.of(5, 3))).outputs());
        var e = assertThrows(SymbolException.class, () -> head.compose(null, Map.of("dta", body)));
        assertTrue(e.getMessage().contains("dta") && e.getMessage().contains("data"), e.getMessage());
        Symbol c = head.copy();
        c.setAttr(Map.of("__mark__", "1"));
        assertNull(head.attr("__mark__"));
        assertEquals(head.toJson().replace("act_type\": \"relu\"", "act_type\": \"relu\", \n        \"__mark__\": \"1\""), c.toJson());
    }

    @Test void attrScopeAndHiddenKeys() {
        try (var outer = AttrScope.of(Map.of("ctx_group", "dev1", "__mood__", "calm"))) {
            Symbol x = Symbol.var("x");
            assertEquals("dev1", x.attr("__ctx_group__"));
            assertEquals("dev1", x.attr("ctx_group"));              // hidden keys readable by their short name
            try (var inner = AttrScope.of(Map.of("ctx_group", "dev2"))) {
                Symbol f = Symbol.op("FullyConnected").name("f").param("num_hidden", 2).input(x).build();
                assertEquals("dev2", f.attr("__ctx_group__"));
                assertEquals("calm", f.attr("__mood__"));
                assertEquals(Map.of("num_hidden", "2", "__ctx_group__", "dev2", "__mood__", "calm"), f.attrDict().get("f_weight")); // copied from the operator, as NNVM
            }
            Symbol y = Symbol.var("y", Map.of("__mood__", "angry"));
            assertEquals("angry", y.attr("__mood__"));               // given attributes win over the scope
        }
        assertTrue(AttrScope.current().isEmpty());
        assertNull(Symbol.var("z").attr("__ctx_group__"));
        Symbol f = Symbol.op("FullyConnected").name("g").param("num_hidden", 2).param("lr_mult", 0.5).input(Symbol.var("x")).build();
        assertEquals("0.5", f.attr("__lr_mult__"));
        var e = assertThrows(SymbolException.class,
                () -> Symbol.op("FullyConnected").name("g").param("num_hidden", 2).param("weight_lr_mult", 0.5).input(Symbol.var("x")).build());
        assertTrue(e.getMessage().contains("deprecated") && e.getMessage().contains("Variable(lr_mult=0.5)"), e.getMessage());
        Symbol v = Symbol.var("v").setAttr(Map.of("wd_mult", "0", "note", "plain keys are fine on variables"));
        assertEquals("0", v.attr("__wd_mult__"));
        assertEquals("plain keys are fine on variables", v.attr("note"));
        assertThrows(SymbolException.class, () -> f.setAttr(Map.of("note", "x")));
    }

    @Test void variadicOperators() {
        Symbol a = Symbol.var("a"), b = Symbol.var("b"), c = Symbol.var("c");
        Symbol cat = Symbol.op("Concat").name("cat").param("dim", 1).input(a).input(b).input(c).build();
        assertEquals(List.of("a", "b", "c"), cat.listArguments());
        assertEquals("3", cat.attr("num_args"));
        var r = cat.inferShape(Map.of("a", Shape.of(2, 1), "b", Shape.of(2, 2), "c", Shape.of(2, 3)));
        assertEquals(List.of(Shape.of(2, 6)), r.outputs());
    }

    @Test void saveAndLoad(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Symbol net = mlp();
        Path f = dir.resolve("net-symbol.json");
        net.save(f);
        Symbol back = Symbol.load(f);
        assertEquals(net.listArguments(), back.listArguments());
        assertEquals(net.toJson(), back.toJson());
        assertEquals(1, Files.list(dir).count());
    }
}
