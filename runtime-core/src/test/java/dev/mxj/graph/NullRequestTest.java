package dev.mxj.graph;

import dev.mxj.Context;
import dev.mxj.Devices;
import dev.mxj.autograd.Autograd;
import dev.mxj.device.OpReq;
import dev.mxj.ndarray.Imperative;
import dev.mxj.ndarray.NDArray;
import dev.mxj.op.Attrs;
import dev.mxj.op.OpDef;
import dev.mxj.op.Shape;
import dev.mxj.op.OpRegistry;
import dev.mxj.op.ShapeRules;
import dev.mxj.op.TypeRules;
import dev.mxj.op.graph.Node;
import dev.mxj.op.graph.NodeEntry;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Outputs nobody reads are requested with OpReq.NULL by the graph runner, and gradients do not change. */
class NullRequestTest {
    private static volatile OpReq[] lastReq;

    /** {@code _test_twin}: two outputs, each a copy of the input; the kernel writes only what is requested. */
    private static synchronized void ensureTwin() {
        OpRegistry r = OpRegistry.global();
        if (r.contains("_test_twin")) return;
        OpDef.builder("_test_twin").inputs("data").outputs("a", "b")
                .inferShape((a, in, out) -> { ShapeRules.assign(a, out, 0, in[0], "a"); ShapeRules.assign(a, out, 1, in[0], "b"); return true; })
                .inferType((a, in, out) -> { out[0] = in[0]; out[1] = in[0]; return true; })
                .register(r);
        Devices.handle(Context.cpu()).kernels().add("_test_twin", (ctx, a, in, req, out) -> {
            lastReq = req.clone();
            for (int j = 0; j < 2; j++) {
                if (req[j] == OpReq.NULL) continue;
                MemorySegment.copy(in[0].segment(), 0, out[j].segment(), 0, out[j].byteSize());
            }
        });
    }

    @Test
    void unreadOutputsAreRequestedNull() {
        ensureTwin();
        Node x = Node.variable("x");
        Node twin = new NodeBuilder().node("t", "_test_twin", Map.of(), x.output(0));
        Map<Node, NDArray[]> given = new IdentityHashMap<>();
        NDArray xv = NDArray.array(new float[] {1, 2, 3});
        given.put(x, new NDArray[] {xv});
        List<NDArray> r = GraphRunner.run(List.of(twin.output(0)), given);
        assertArrayEquals(new float[] {1, 2, 3}, r.get(0).toFloatArray());
        assertArrayEquals(new OpReq[] {OpReq.WRITE, OpReq.NULL}, lastReq);
        r.get(0).close();

        r = GraphRunner.run(List.of(twin.output(0), twin.output(1)), given);
        assertArrayEquals(new OpReq[] {OpReq.WRITE, OpReq.WRITE}, lastReq);
        assertArrayEquals(new float[] {1, 2, 3}, r.get(1).toFloatArray());
        for (NDArray a : r) a.close();
    }

    @Test
    void whileRecordingEveryOutputIsComputed() {
        ensureTwin();
        NDArray xv = NDArray.array(new float[] {1, 2});
        Attrs a = OpRegistry.global().get("_test_twin").parseAttrs(Map.of());
        boolean rec = Imperative.setRecording(true);
        try {
            NDArray[] outs = Imperative.invoke(a, new NDArray[] {xv}, new boolean[] {false, true});
            outs[1].waitToRead();
            assertArrayEquals(new OpReq[] {OpReq.WRITE, OpReq.WRITE}, lastReq);
        } finally {
            Imperative.setRecording(rec);
        }
    }

    @Test
    void weightGradientIsTheSameWhetherOrNotTheDataGradientIsWanted() {
        float[] xs = {0.5f, -1, 2, 0.25f, 3, -0.5f}, ws = {1, -2, 0.5f, 0.75f, -1, 2, 0.1f, 0.2f, -0.3f}, bs = {0.1f, -0.2f, 0.3f};
        float[][] withX = fcGrads(xs, ws, bs, true), withoutX = fcGrads(xs, ws, bs, false);
        assertArrayEquals(withX[0], withoutX[0], 0f);
        assertArrayEquals(withX[1], withoutX[1], 0f);
    }

    private static float[][] fcGrads(float[] xs, float[] ws, float[] bs, boolean xGrad) {
        NDArray x = NDArray.array(xs, Shape.of(2, 3)), w = NDArray.array(ws, Shape.of(3, 3)), b = NDArray.array(bs);
        if (xGrad) x.attachGrad();
        w.attachGrad();
        b.attachGrad();
        NDArray y;
        try (var r = Autograd.record()) {
            NDArray h = Imperative.invoke1("FullyConnected", new NDArray[] {x, w, b}, Map.of("num_hidden", 3), null);
            y = Imperative.invoke1("FullyConnected", new NDArray[] {Imperative.invoke1("relu", new NDArray[] {h}, null, null), w, b},
                    Map.of("num_hidden", 3), null);
        }
        y.backward();
        return new float[][] {w.grad().toFloatArray(), b.grad().toFloatArray()};
    }
}
