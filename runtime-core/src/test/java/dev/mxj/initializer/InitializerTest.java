package dev.mxj.initializer;

import dev.mxj.Random;
import dev.mxj.ndarray.NDArray;
import dev.mxj.op.Shape;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Initializers: name dispatch, JSON form, and the statistics and bounds of the random rules. */
class InitializerTest {
    private static NDArray arr(long... shape) { return NDArray.full(Shape.of(shape), 7); }

    private static double[] stats(float[] v) {
        double s = 0, s2 = 0, max = 0;
        for (float x : v) { s += x; s2 += x * x; max = Math.max(max, Math.abs(x)); }
        double mean = s / v.length;
        return new double[] {mean, Math.sqrt(s2 / v.length - mean * mean), max};
    }

    @Test
    void namesPickTheRule() {
        Initializer init = new Uniform(0.5);
        NDArray w = arr(4, 5);
        init.call(new InitDesc("fc1_weight"), w);
        assertTrue(stats(w.toFloatArray())[2] <= 0.5);
        for (var e : Map.of("fc1_bias", 0f, "bn_gamma", 1f, "bn_beta", 0f, "bn_moving_mean", 0f, "bn_moving_var", 1f,
                "q_min", 0f, "q_max", 1f).entrySet()) {
            NDArray a = arr(3);
            init.call(new InitDesc(e.getKey()), a);
            assertArrayEquals(new float[] {e.getValue(), e.getValue(), e.getValue()}, a.toFloatArray(), e.getKey());
            NDArray b = arr(3);
            init.call(e.getKey(), b);
            assertArrayEquals(new float[] {e.getValue(), e.getValue(), e.getValue()}, b.toFloatArray(), "legacy " + e.getKey());
        }
        var err = assertThrows(IllegalArgumentException.class, () -> init.call(new InitDesc("data"), arr(2)));
        assertTrue(err.getMessage().contains("Unknown initialization pattern for data"));
    }

    @Test
    void initAttributeOverridesTheGlobalRule() {
        NDArray a = arr(2, 2);
        new Uniform().call(new InitDesc("fc_weight", Map.of("__init__", "[\"constant\", {\"value\": 0.25}]")), a);
        assertArrayEquals(new float[] {0.25f, 0.25f, 0.25f, 0.25f}, a.toFloatArray());
        NDArray b = arr(2);
        new Zero().call(new InitDesc("fc_bias", Map.of("__init__", "ones")), b);
        assertArrayEquals(new float[] {1, 1}, b.toFloatArray(), "an attribute applies whatever the suffix");
    }

    @Test
    void dumpsMatchesMxnet() {
        assertEquals("[\"xavier\", {\"rnd_type\": \"uniform\", \"factor_type\": \"avg\", \"magnitude\": 3}]", new Xavier().dumps());
        assertEquals("[\"xavier\", {\"rnd_type\": \"gaussian\", \"factor_type\": \"in\", \"magnitude\": 2.34}]",
                Initializer.create("xavier", Map.of("rnd_type", "gaussian", "factor_type", "in", "magnitude", 2.34)).dumps());
        assertEquals("[\"uniform\", {\"scale\": 0.07}]", new Uniform().dumps());
        assertEquals("[\"normal\", {\"sigma\": 1e-05}]", new Normal(1e-5).dumps());
        assertEquals("[\"msraprelu\", {\"factor_type\": \"avg\", \"slope\": 0.25}]", new MSRAPrelu().dumps());
        assertEquals("[\"zero\", {}]", new Zero().dumps());
        assertEquals("[\"lstmbias\", {\"forget_bias\": 1.0}]", new LSTMBias().dumps());
        for (Initializer i : List.of(new Xavier("gaussian", "out", 2.5), new Orthogonal(), new Constant(3), new MSRAPrelu("in", 0.1))) {
            assertEquals(i, Initializer.create(i.dumps()), i.dumps());
        }
        assertEquals("1e+16", Json.pyFloat(1e16));
        assertEquals("123.5", Json.pyFloat(123.5));
        assertEquals("0.0001", Json.pyFloat(1e-4));
        assertThrows(IllegalArgumentException.class, () -> Initializer.create("xavier", Map.of("magnitud", 3)));
        assertThrows(IllegalArgumentException.class, () -> Initializer.create("[\"xavier\", 3]"));
        assertThrows(IllegalArgumentException.class, () -> Initializer.create("nosuch"));
        assertInstanceOf(One.class, Initializer.create("ones"));
    }

    @Test
    void constantsAndFixedPatterns() {
        NDArray a = arr(2, 3);
        new One().call("w_weight", a);
        assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1}, a.toFloatArray());
        new Constant(-2).call("w_weight", a);
        assertArrayEquals(new float[] {-2, -2, -2, -2, -2, -2}, a.toFloatArray());
        NDArray b = arr(8, 2);
        new LSTMBias(2.5).call(new InitDesc("lstm_i2h_weight"), b);
        assertArrayEquals(new float[] {0, 0, 0, 0, 2.5f, 2.5f, 2.5f, 2.5f, 0, 0, 0, 0, 0, 0, 0, 0}, b.toFloatArray());
        // Bilinear 1x1x4x4: f = ceil(4/2) = 2, c = (2f - 1 - f%2) / 2f = 0.75; per axis 1 - |x/2 - 0.75| = 0.25, 0.75, 0.75, 0.25
        NDArray k = arr(1, 1, 4, 4);
        new Bilinear().call("deconv_weight", k);
        double[] axis = {0.25, 0.75, 0.75, 0.25};
        float[] got = k.toFloatArray();
        for (int y = 0; y < 4; y++) for (int x = 0; x < 4; x++) assertEquals(axis[y] * axis[x], got[y * 4 + x], 1e-6);
        NDArray up = arr(1, 1, 4, 4);
        new Zero().call("upsampling0_weight", up);
        assertArrayEquals(got, up.toFloatArray(), "legacy names starting with upsampling are bilinear");
        NDArray loc = arr(6);
        new Zero().call("stn_loc_bias", loc);
        assertArrayEquals(new float[] {1, 0, 0, 0, 1, 0}, loc.toFloatArray());
    }

    @Test
    void uniformAndNormalStatistics() {
        Random.seed(3);
        NDArray u = arr(200, 100);
        new Uniform(0.2).call("u_weight", u);
        double[] s = stats(u.toFloatArray());
        assertTrue(s[2] <= 0.2);
        assertEquals(0, s[0], 0.004);
        assertEquals(0.2 / Math.sqrt(3), s[1], 0.003);
        NDArray n = arr(200, 100);
        new Normal(0.5).call("n_weight", n);
        s = stats(n.toFloatArray());
        assertEquals(0, s[0], 0.011);
        assertEquals(0.5, s[1], 0.008);
    }

    @Test
    void xavierScaleIsExact() {
        // conv weight (64, 32, 3, 3): fan_in = 32*9 = 288, fan_out = 64*9 = 576
        Xavier avg = new Xavier();
        long[] shape = {64, 32, 3, 3};
        assertEquals(Math.sqrt(3.0 / 432), avg.scale(shape, "w"), 1e-15);
        assertEquals(Math.sqrt(2.0 / 288), new Xavier("uniform", "in", 2).scale(shape, "w"), 1e-15);
        assertEquals(Math.sqrt(2.0 / 576), new Xavier("uniform", "out", 2).scale(shape, "w"), 1e-15);
        Random.seed(11);
        NDArray w = arr(shape);
        avg.call(new InitDesc("conv_weight"), w);
        double bound = Math.sqrt(3.0 / 432);
        double[] s = stats(w.toFloatArray());
        assertTrue(s[2] <= bound, "max |w| " + s[2] + " within " + bound);
        assertTrue(s[2] > 0.99 * bound);
        assertEquals(bound / Math.sqrt(3), s[1], 0.02 * bound);
        // MSRAPrelu: gaussian, magnitude 2 / (1 + 0.25^2), factor avg
        NDArray m = arr(256, 128);
        new MSRAPrelu().call("fc_weight", m);
        double sd = Math.sqrt(2 / 1.0625 / 192);
        assertEquals(sd, stats(m.toFloatArray())[1], 0.02 * sd);
        var e = assertThrows(IllegalArgumentException.class, () -> avg.call("fc_weight", arr(5)));
        assertTrue(e.getMessage().contains("at least 2D"));
    }

    @Test
    void randomInitialisationIsReproducibleUnderASeed() {
        NDArray a = arr(10, 10), b = arr(10, 10);
        Random.seed(42);
        new Xavier("gaussian", "avg", 3).call("w_weight", a);
        Random.seed(42);
        new Xavier("gaussian", "avg", 3).call("w_weight", b);
        assertArrayEquals(a.toFloatArray(), b.toFloatArray());
    }

    @Test
    void orthogonalRowsOrColumns() {
        for (long[] shape : new long[][] {{4, 10}, {10, 4}, {3, 2, 2}}) {
            NDArray w = arr(shape);
            new Orthogonal(2.0, "normal").call("w_weight", w);
            int nout = (int) shape[0], nin = (int) (w.size() / nout);
            float[] v = w.toFloatArray();
            boolean rows = nout <= nin;
            int k = Math.min(nout, nin), len = Math.max(nout, nin);
            for (int p = 0; p < k; p++) {
                for (int q = 0; q < k; q++) {
                    double dot = 0;
                    for (int t = 0; t < len; t++) {
                        dot += rows ? v[p * nin + t] * v[q * nin + t] : v[t * nin + p] * v[t * nin + q];
                    }
                    assertEquals(p == q ? 4.0 : 0.0, dot, 1e-4, java.util.Arrays.toString(shape));
                }
            }
        }
    }

    @Test
    void mixedAndLoad() {
        Initializer mixed = new Mixed(List.of("fc_.*", ".*"), List.of(new Constant(5), new One()));
        NDArray fw = arr(2), fb = arr(2), cw = arr(2, 2);
        mixed.call("fc_weight", fw);
        mixed.call("fc_bias", fb);
        mixed.call(new InitDesc("conv_weight"), cw);
        assertArrayEquals(new float[] {5, 5}, fw.toFloatArray());
        assertArrayEquals(new float[] {0, 0}, fb.toFloatArray(), "the chosen initializer still applies its name rules, as in MXNet");
        assertArrayEquals(new float[] {1, 1, 1, 1}, cw.toFloatArray());
        assertThrows(IllegalArgumentException.class, () -> new Mixed(List.of("conv.*"), List.of(new One())).call("fc_weight", arr(2)));

        Initializer load = new Load(Map.of("arg:fc_weight", NDArray.array(new float[] {1, 2, 3, 4}, Shape.of(2, 2))), new Zero());
        NDArray lw = arr(2, 2), lb = arr(2);
        load.call("fc_weight", lw);
        load.call(new InitDesc("fc_bias"), lb);
        assertArrayEquals(new float[] {1, 2, 3, 4}, lw.toFloatArray());
        assertArrayEquals(new float[] {0, 0}, lb.toFloatArray());
        assertThrows(IllegalArgumentException.class, () -> load.call("fc_weight", arr(3)));
    }
}
