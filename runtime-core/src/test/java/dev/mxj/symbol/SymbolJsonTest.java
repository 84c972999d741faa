package dev.mxj.symbol;

import dev.mxj.op.Shape;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class SymbolJsonTest {

    static String resource(String name) throws Exception {
        try (InputStream in = SymbolJsonTest.class.getResourceAsStream(name)) {
            assertNotNull(in, name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test void writesMxnetFormat() {
        Symbol net = SymbolTest.mlp();
        String json = net.toJson();
        Map<?, ?> top = (Map<?, ?>) MiniJson.parse(json);
        List<?> nodes = (List<?>) top.get("nodes");
        assertEquals(14, nodes.size());
        Map<?, ?> fc1 = (Map<?, ?>) nodes.get(3);
        assertEquals("FullyConnected", fc1.get("op"));
        assertEquals("fc1", fc1.get("name"));
        assertEquals(Map.of("num_hidden", "128"), fc1.get("attrs"));
        assertEquals(List.of(List.of(0L, 0L, 0L), List.of(1L, 0L, 0L), List.of(2L, 0L, 0L)), fc1.get("inputs"));
        assertEquals("null", ((Map<?, ?>) nodes.get(0)).get("op"));
        assertFalse(((Map<?, ?>) nodes.get(0)).containsKey("attrs"));
        assertEquals(Map.of("num_hidden", "128"), ((Map<?, ?>) nodes.get(1)).get("attrs"));   // fc1_weight: the operator's dict, as NNVM
        assertEquals(List.of(0L, 1L, 2L, 5L, 6L, 9L, 10L, 12L), top.get("arg_nodes"));
        assertEquals(15, ((List<?>) top.get("node_row_ptr")).size());
        assertEquals(List.of(List.of(13L, 0L, 0L)), top.get("heads"));
        assertEquals(Map.of("mxnet_version", List.of("int", 10901L)), top.get("attrs"));
    }

    @Test void loadsMxnet1MlpFile() throws Exception {
        Symbol net = Symbol.fromJson(resource("mlp-symbol.json"));
        assertEquals(List.of("data", "fc1_weight", "fc1_bias", "fc2_weight", "fc2_bias", "fc3_weight", "fc3_bias", "softmax_label"),
                net.listArguments());
        assertEquals(List.of("softmax_output"), net.listOutputs());
        var r = net.inferShape(Map.of("data", Shape.of(32, 784)));
        assertEquals(Shape.of(128, 784), r.arguments().get(1));
        assertEquals(List.of(Shape.of(32, 10)), r.outputs());
        // round trip: same graph text; the built MLP writes the same nodes (its variables carry no attrs)
        Symbol again = Symbol.fromJson(net.toJson());
        assertEquals(net.toJson(), again.toJson());
        assertEquals("128", net.attrDict().get("fc1_weight").get("num_hidden"));
        assertEquals(SymbolTest.mlp().inferShape(Map.of("data", Shape.of(32, 784))), r);
        // the same network built through the API writes the same JSON as the MXNet 1.x file (version aside)
        assertEquals(net.toJson(), SymbolTest.mlp().toJson());
    }

    @Test void loadsLegacy08File() throws Exception {
        Symbol net = Symbol.fromJson(resource("legacy-0.8-symbol.json"));
        assertEquals(List.of("data", "fc1_weight", "fc1_bias", "bn1_gamma", "bn1_beta", "fc2_weight", "fc2_bias", "softmax_label"),
                net.listArguments());
        // aux states were not stored before 0.9: added on load
        assertEquals(List.of("bn1_moving_mean", "bn1_moving_var"), net.listAuxiliaryStates());
        Map<String, Map<String, String>> attrs = net.attrDict();
        assertEquals("0.5", attrs.get("fc1_weight").get("__lr_mult__"));   // weight_lr_mult moved to the input
        assertEquals("dev1", attrs.get("fc1").get("__ctx_group__"));        // ctx_group became hidden
        assertEquals("0", attrs.get("bn1_gamma").get("__wd_mult__"));       // variable's legacy attr
        assertEquals("32", attrs.get("fc1").get("num_hidden"));
        var r = net.inferShape(Map.of("data", Shape.of(8, 20)));
        assertEquals(List.of(Shape.of(8, 10)), r.outputs());
        assertEquals(List.of(Shape.of(32), Shape.of(32)), r.auxiliaryStates());
        // written back in the 1.x format, then loaded again: same structure
        String json = net.toJson();
        assertFalse(json.contains("\"param\""));
        assertTrue(json.contains("\"grad_scale\": \"1\""), json);     // parameters written back as the file gave them
        assertFalse(json.contains("backward_source_id"));
        Symbol again = Symbol.fromJson(json);
        assertEquals(net.listInputs(), again.listInputs());
        assertEquals(json, again.toJson());
    }

    @Test void loadsVersion09AttrKeyAndArgmaxUpgrade() {
        String json = "{\"nodes\": [{\"op\": \"null\", \"name\": \"x\", \"attr\": {\"__shape__\": \"(0, 5)\"}, \"inputs\": []},"
                + " {\"op\": \"argmax\", \"name\": \"am\", \"attr\": {\"axis\": \"-1\", \"keepdims\": \"False\", \"lr_mult\": \"2\"}, \"inputs\": [[0, 0, 0]]}],"
                + " \"arg_nodes\": [0], \"node_row_ptr\": [0, 1, 2], \"heads\": [[1, 0, 0]], \"attrs\": {\"mxnet_version\": [\"int\", 903]}}";
        Symbol s = Symbol.fromJson(json);
        assertNull(s.attr("axis"));                              // axis=-1 before 0.9.5 meant "all axes"
        assertEquals("2", s.attr("__lr_mult__"));
        var r = s.inferShapePartial(Map.of());
        assertEquals(Shape.of(-1, 5), r.arguments().get(0));     // 0 in __shape__ is an unknown dimension
        assertTrue(s.inferShape(Map.of("x", Shape.of(2, 5))).outputs().get(0).isKnown());
        assertTrue(Symbol.fromJson(s.toJson()).toJson().contains("\"__lr_mult__\": \"2\""));
    }

    @Test void loadErrors() {
        String unknownOp = "{\"nodes\": [{\"op\": \"null\", \"name\": \"x\", \"inputs\": []}, {\"op\": \"Frobnicate\", \"name\": \"f0\", \"inputs\": [[0, 0, 0]]}],"
                + " \"arg_nodes\": [0], \"heads\": [[1, 0, 0]], \"attrs\": {\"mxnet_version\": [\"int\", 10901]}}";
        var e = assertThrows(SymbolException.class, () -> Symbol.fromJson(unknownOp));
        assertTrue(e.getMessage().contains("Frobnicate") && e.getMessage().contains("f0"), e.getMessage());
        String badParam = unknownOp.replace("\"Frobnicate\", \"name\": \"f0\"", "\"Activation\", \"name\": \"f0\", \"attrs\": {\"act_type\": \"relu\", \"slope\": \"2\"}");
        var p = assertThrows(SymbolException.class, () -> Symbol.fromJson(badParam));
        assertTrue(p.getMessage().contains("f0") && p.getMessage().contains("slope") && p.getMessage().contains("Activation"), p.getMessage());
        var j = assertThrows(SymbolException.class, () -> Symbol.fromJson("{\"nodes\": [}"));
        assertTrue(j.getMessage().contains("Invalid symbol JSON"), j.getMessage());
        var f = assertThrows(SymbolException.class, () -> Symbol.fromJson(unknownOp.replace("[[0, 0, 0]]}]", "[[5, 0, 0]]}]")));
        assertTrue(f.getMessage().contains("node 5"), f.getMessage());
    }
}
