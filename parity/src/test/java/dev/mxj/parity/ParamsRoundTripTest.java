package dev.mxj.parity;

import dev.mxj.device.conformance.HostArray;
import dev.mxj.ndarray.NDArray;
import dev.mxj.ndarray.NDScope;
import dev.mxj.ndarray.NDSerializer;
import dev.mxj.op.DType;
import dev.mxj.op.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code .params} files both ways: arrays saved by MXNet's {@code MXNDArraySave} load in mxj with the
 * same names, shapes, dtypes and values, and files saved by mxj load in MXNet's {@code MXNDArrayLoad}
 * the same way, for every dtype both support (float32, float64, float16, uint8, int8, int32, int64),
 * named (dict) and unnamed (list) files.
 */
class ParamsRoundTripTest {
    static final List<DType> DTYPES = List.of(DType.FLOAT32, DType.FLOAT64, DType.FLOAT16, DType.UINT8, DType.INT8, DType.INT32, DType.INT64);

    /** One array per dtype with values covering the type's range (negatives, large magnitudes, fractions). */
    static Map<String, HostArray> samples() {
        SplittableRandom rng = new SplittableRandom(7);
        Map<String, HostArray> m = new LinkedHashMap<>();
        int k = 0;
        for (DType t : DTYPES) {
            Shape s = switch (k++ % 3) { case 0 -> Shape.of(2, 3, 4); case 1 -> Shape.of(5); default -> Shape.of(3, 1, 2, 2); };
            double lo = switch (t) { case UINT8 -> 0; case INT8 -> -128; case FLOAT16 -> -6e4; default -> -1e6; };
            double hi = switch (t) { case UINT8 -> 255; case INT8 -> 127; case FLOAT16 -> 6e4; default -> 1e6; };
            HostArray h = HostArray.random(s, t, lo, hi, rng);
            if (t.isFloating()) h.data()[0] = -0.125;   // an exactly representable fraction
            h.data()[1] = HostArray.quantize(t, lo);     // the extremes
            h.data()[2] = HostArray.quantize(t, hi);
            m.put("arg:w_" + t.typeName(), HostArray.of(s, t, h.data()));
        }
        return m;
    }

    private static void assertSame(String what, HostArray expected, HostArray actual) {
        assertEquals(expected.shape(), actual.shape(), what + ": shape");
        assertEquals(expected.dtype(), actual.dtype(), what + ": dtype");
        assertArrayEquals(expected.data(), actual.data(), what + ": values");
    }

    @Test
    void mxnetSavedFilesLoadInMxj(@TempDir Path dir) throws IOException {
        MXNet mx = Bridge.mxnet();
        Map<String, HostArray> want = samples();
        for (boolean named : new boolean[] {true, false}) {
            Path f = dir.resolve(named ? "mxnet-dict.params" : "mxnet-list.params");
            List<MXNet.Array> arrays = new ArrayList<>();
            try {
                for (HostArray h : want.values()) arrays.add(Bridge.toMx(mx, h));
                mx.save(f, arrays, named ? new ArrayList<>(want.keySet()) : null);
            } finally {
                for (MXNet.Array a : arrays) a.close();
            }
            try (NDScope scope = NDScope.open()) {
                NDSerializer.Loaded got = NDArray.load(f);
                assertEquals(named ? new ArrayList<>(want.keySet()) : List.of(), got.names(), "names in " + f.getFileName());
                assertEquals(want.size(), got.arrays().size());
                int i = 0;
                for (var e : want.entrySet()) assertSame(f.getFileName() + " " + e.getKey(), e.getValue(), Bridge.fromMxj(got.arrays().get(i++)));
            }
        }
        directionPassed("MXNet -> mxj");
    }

    @Test
    void mxjSavedFilesLoadInMXNet(@TempDir Path dir) throws IOException {
        MXNet mx = Bridge.mxnet();
        Map<String, HostArray> want = samples();
        for (boolean named : new boolean[] {true, false}) {
            Path f = dir.resolve(named ? "mxj-dict.params" : "mxj-list.params");
            try (NDScope scope = NDScope.open()) {
                Map<String, NDArray> m = new LinkedHashMap<>();
                for (var e : want.entrySet()) m.put(e.getKey(), Bridge.toMxj(e.getValue()));
                if (named) NDArray.save(f, m);
                else NDArray.save(f, new ArrayList<>(m.values()));
            }
            MXNet.Loaded got = mx.load(f);
            try {
                assertEquals(named ? new ArrayList<>(want.keySet()) : List.of(), got.names(), "names in " + f.getFileName());
                assertEquals(want.size(), got.arrays().size());
                int i = 0;
                for (var e : want.entrySet()) assertSame(f.getFileName() + " " + e.getKey(), e.getValue(), Bridge.fromMx(got.arrays().get(i++)));
            } finally {
                for (MXNet.Array a : got.arrays()) a.close();
            }
        }
        directionPassed("mxj -> MXNet");
    }

    private static final java.util.Set<String> PASSED = new java.util.TreeSet<>();

    private static synchronized void directionPassed(String direction) {
        PASSED.add(direction);
        ParitySummary.put("params", "round trips pass " + PASSED + " for " + DTYPES.size() + " dtypes, named and unnamed");
    }
}
