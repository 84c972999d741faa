package dev.mxj.autograd;

import dev.mxj.Context;
import dev.mxj.device.conformance.HostArray;
import dev.mxj.device.conformance.OpCase;
import dev.mxj.device.conformance.cases.BuiltinCases;
import dev.mxj.ndarray.Imperative;
import dev.mxj.ndarray.NDArray;
import dev.mxj.op.OpRegistry;
import dev.mxj.op.Shape;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** record/pause/train_mode/predict_mode scopes: nesting, restoring, per-thread state. */
class ScopeTest {
    @Test
    void defaultsAndNesting() {
        assertFalse(Autograd.isRecording());
        assertFalse(Autograd.isTraining());
        try (var rec = Autograd.record()) {
            assertTrue(Autograd.isRecording());
            assertTrue(Autograd.isTraining());
            try (var p = Autograd.pause()) {
                assertFalse(Autograd.isRecording());
                assertFalse(Autograd.isTraining(), "pause() is predict mode, as MXNet's pause(train_mode=False)");
                try (var inner = Autograd.record(false)) {
                    assertTrue(Autograd.isRecording());
                    assertFalse(Autograd.isTraining());
                }
                assertFalse(Autograd.isRecording());
            }
            try (var pm = Autograd.predictMode()) {
                assertTrue(Autograd.isRecording(), "predict_mode leaves recording alone");
                assertFalse(Autograd.isTraining());
            }
            assertTrue(Autograd.isRecording());
            assertTrue(Autograd.isTraining());
        }
        assertFalse(Autograd.isRecording());
        assertFalse(Autograd.isTraining());
        try (var tm = Autograd.trainMode()) {
            assertFalse(Autograd.isRecording());
            assertTrue(Autograd.isTraining());
        }
        assertFalse(Autograd.isTraining());
    }

    @Test
    void recordingIsPerThread() throws Exception {
        try (var rec = Autograd.record()) {
            assertFalse(CompletableFuture.supplyAsync(Autograd::isRecording).get());
        }
    }

    @Test
    void pausedCallsAreNotRecorded() {
        NDArray x = NDArray.array(new float[] {1, 2}, Shape.of(2));
        x.attachGrad();
        NDArray y;
        try (var rec = Autograd.record()) {
            NDArray constant;
            try (var p = Autograd.pause()) {
                constant = x.mul(x); // not recorded: a constant for the gradient
            }
            y = constant.mul(x).sum();
        }
        y.backward();
        assertArrayEquals(new float[] {1, 4}, x.grad().toFloatArray());
    }

    @Test
    void gradReqParsesMxnetStrings() {
        assertEquals(GradReq.WRITE, GradReq.parse("write"));
        assertEquals(GradReq.ADD, GradReq.parse("add"));
        assertEquals(GradReq.NULL, GradReq.parse("null"));
        assertThrows(IllegalArgumentException.class, () -> GradReq.parse("sometimes"));
    }

    /** Until Dropout lands: RNN with p > 0 and two layers applies dropout between its layers in training mode only. */
    @Test
    void rnnDropoutFollowsTrainAndPredictMode() {
        OpCase c = BuiltinCases.all().stream()
                .filter(k -> k.op().equals("RNN") && k.isGradCheck() && k.isTrain() && String.valueOf(k.params().get("p")).startsWith("0.5"))
                .findFirst().orElse(null);
        assumeTrue(c != null, "no RNN case with dropout in the catalogue");
        NDArray[] in = new NDArray[c.inputs().size()];
        for (int i = 0; i < in.length; i++) {
            HostArray h = c.inputs().get(i);
            in[i] = NDArray.array(h.data(), h.shape(), h.dtype(), Context.cpu());
        }
        in[0].attachGrad();
        Map<String, Object> noDropout = new HashMap<>(c.params());
        noDropout.put("p", 0.0);
        NDArray train, predict;
        try (var rec = Autograd.record()) {
            train = Imperative.invoke("RNN", in, c.params(), null)[0];
        }
        try (var rec = Autograd.record(false)) {
            predict = Imperative.invoke("RNN", in, c.params(), null)[0];
        }
        NDArray reference = Imperative.invoke("RNN", in, noDropout, null)[0];
        assertArrayEquals(reference.toFloatArray(), predict.toFloatArray(), 1e-6f, "no dropout in predict mode");
        assertFalse(Arrays.equals(reference.toFloatArray(), train.toFloatArray()), "dropout in train mode");
        Autograd.backward(List.of(train), null, false, true); // reads the hidden dropout_mask output the tape kept
        for (float g : in[0].grad().toFloatArray()) assertTrue(Float.isFinite(g));
    }

    @Test
    void dropoutFollowsTrainAndPredictMode() {
        assumeTrue(OpRegistry.global().find("Dropout") != null, "Dropout has not landed on main yet");
        NDArray x = NDArray.ones(Shape.of(1000));
        x.attachGrad();
        NDArray train, predict;
        try (var rec = Autograd.record()) {
            train = Imperative.invoke1("Dropout", new NDArray[] {x}, Map.of("p", 0.5), null);
        }
        try (var rec = Autograd.record(false)) {
            predict = Imperative.invoke1("Dropout", new NDArray[] {x}, Map.of("p", 0.5), null);
        }
        float[] t = train.toFloatArray();
        int zeros = 0;
        for (float v : t) {
            if (v == 0) zeros++;
            else assertEquals(2f, v, 1e-6f, "kept values are scaled by 1/(1-p)");
        }
        assertTrue(zeros > 350 && zeros < 650, "about half dropped in train mode, got " + zeros);
        assertArrayEquals(x.toFloatArray(), predict.toFloatArray(), "identity in predict mode");
        // the gradient uses the same mask as the forward pass
        Autograd.backward(List.of(train), null, false, true);
        float[] g = x.grad().toFloatArray();
        for (int i = 0; i < t.length; i++) assertEquals(t[i], g[i], 1e-6f);
    }
}
