package dev.mxj.io;

import dev.mxj.Context;
import dev.mxj.Random;
import dev.mxj.ndarray.NDArray;
import dev.mxj.ndarray.NDScope;
import dev.mxj.op.DType;
import dev.mxj.op.Shape;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class NDArrayIterTest {
    /** {@code n} examples of shape (2): example i is (i, 100 + i); labels i. */
    private static NDArray data(int n) {
        float[] v = new float[2 * n];
        for (int i = 0; i < n; i++) { v[2 * i] = i; v[2 * i + 1] = 100 + i; }
        return NDArray.array(v, Shape.of(n, 2), Context.cpu());
    }

    private static NDArray labels(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = i;
        return NDArray.array(v, Shape.of(n), Context.cpu());
    }

    /** The example ids of each remaining batch of this epoch, with the pad appended as a last element. */
    private static List<int[]> epoch(DataIter it) {
        List<int[]> out = new ArrayList<>();
        for (DataBatch b : it) {
            float[] x = b.data().get(0).toFloatArray();
            float[] y = b.label().get(0).toFloatArray();
            int[] ids = new int[y.length + 1];
            for (int i = 0; i < y.length; i++) {
                ids[i] = (int) y[i];
                assertEquals(y[i], x[2 * i], "data and label rows stay aligned");
                assertEquals(100 + y[i], x[2 * i + 1]);
            }
            ids[y.length] = b.pad();
            out.add(ids);
        }
        return out;
    }

    private static String show(List<int[]> batches) {
        StringBuilder sb = new StringBuilder();
        for (int[] b : batches) sb.append(Arrays.toString(b));
        return sb.toString();
    }

    @Test
    void padCompletesTheLastBatchFromTheStart() {
        NDArrayIter it = new NDArrayIter(data(10), labels(10), 3);
        assertEquals("[0, 1, 2, 0][3, 4, 5, 0][6, 7, 8, 0][9, 0, 1, 2]", show(epoch(it)));
        it.reset();
        assertEquals(4, epoch(it).size(), "every epoch starts over with pad");
    }

    @Test
    void padWrapsSeveralTimesWhenTheBatchIsLargerThanTheData() {
        NDArrayIter it = new NDArrayIter(data(2), labels(2), 5);
        assertEquals("[0, 1, 0, 1, 0, 3]", show(epoch(it)));
    }

    @Test
    void discardDropsTheIncompleteBatch() {
        NDArrayIter it = NDArrayIter.builder().data(data(10)).label(labels(10)).batchSize(3).lastBatchHandle("discard").build();
        assertEquals("[0, 1, 2, 0][3, 4, 5, 0][6, 7, 8, 0]", show(epoch(it)));
        it.reset();
        assertEquals("[0, 1, 2, 0][3, 4, 5, 0][6, 7, 8, 0]", show(epoch(it)));
        NDArrayIter exact = NDArrayIter.builder().data(data(9)).label(labels(9)).batchSize(3).lastBatchHandle("discard").build();
        assertEquals(3, epoch(exact).size());
    }

    @Test
    void rollOverCarriesTheRemainderIntoTheNextEpoch() {
        NDArrayIter it = NDArrayIter.builder().data(data(10)).label(labels(10)).batchSize(3)
                .lastBatchHandle(NDArrayIter.LastBatchHandle.ROLL_OVER).build();
        assertEquals("[0, 1, 2, 0][3, 4, 5, 0][6, 7, 8, 0]", show(epoch(it)));
        it.reset();
        // MXNet reports the carried examples as pad of the first batch
        assertEquals("[9, 0, 1, 1][2, 3, 4, 0][5, 6, 7, 0]", show(epoch(it)));
        it.reset();
        // this epoch ends exactly at the end of the data: nothing is carried
        assertEquals("[8, 9, 0, 2][1, 2, 3, 0][4, 5, 6, 0][7, 8, 9, 0]", show(epoch(it)));
        it.reset();
        assertEquals("[0, 1, 2, 0][3, 4, 5, 0][6, 7, 8, 0]", show(epoch(it)));
        it.reset();
        assertEquals("[9, 0, 1, 1][2, 3, 4, 0][5, 6, 7, 0]", show(epoch(it)));
        it.hardReset(); // drops the carried [8, 9]
        assertEquals("[0, 1, 2, 0][3, 4, 5, 0][6, 7, 8, 0]", show(epoch(it)));
    }

    @Test
    void iteratorStateSurvivesTheCallersScopes() {
        NDArray x = data(10), y = labels(10);
        NDArrayIter it;
        try (NDScope s = NDScope.open()) {
            it = NDArrayIter.builder().data(x).label(y).batchSize(3).shuffle(true).seed(1).lastBatchHandle("roll_over").build();
        }
        List<String> epochs = new ArrayList<>();
        for (int e = 0; e < 3; e++) {
            try (NDScope s = NDScope.open()) {
                List<int[]> batches = epoch(it);
                epochs.add(show(batches));
                it.reset();
            }
        }
        assertEquals(3, epochs.size());
        assertFalse(x.isClosed());
        assertFalse(y.isClosed());
    }

    @Test
    void rollOverWithoutRemainderIsPlain() {
        NDArrayIter it = NDArrayIter.builder().data(data(6)).label(labels(6)).batchSize(3).lastBatchHandle("roll_over").build();
        assertEquals("[0, 1, 2, 0][3, 4, 5, 0]", show(epoch(it)));
        it.reset();
        assertEquals("[0, 1, 2, 0][3, 4, 5, 0]", show(epoch(it)));
    }

    @Test
    void batchesInsideTheDataAreViewsUnlessAnotherContextIsAsked() {
        NDArray x = data(6);
        NDArrayIter it = new NDArrayIter(x, null, 3);
        DataBatch b = it.next();
        assertTrue(b.data().get(0).sharesMemoryWith(x));
        assertTrue(b.label().isEmpty());
        assertEquals(List.of(), it.provideLabel());
        NDArrayIter copying = NDArrayIter.builder().data(x).batchSize(3).context(Context.cpu(0)).build();
        assertTrue(copying.next().data().get(0).sharesMemoryWith(x), "same context: still a view");
    }

    @Test
    void shuffleIsReproducibleFromAnExplicitSeed() {
        List<int[]> a = epoch(NDArrayIter.builder().data(data(20)).label(labels(20)).batchSize(4).shuffle(true).seed(7).build());
        List<int[]> b = epoch(NDArrayIter.builder().data(data(20)).label(labels(20)).batchSize(4).shuffle(true).seed(7).build());
        assertEquals(show(a), show(b));
        assertNotEquals(show(epoch(new NDArrayIter(data(20), labels(20), 4))), show(a), "shuffled");
        assertEquals(java.util.stream.IntStream.range(0, 20).boxed().toList(), sortedIds(a), "a permutation");
        NDArrayIter it = NDArrayIter.builder().data(data(20)).label(labels(20)).batchSize(4).shuffle(true).seed(7).build();
        String first = show(epoch(it));
        it.reset();
        String second = show(epoch(it));
        assertNotEquals(first, second, "every reset reshuffles, as in MXNet");
    }

    @Test
    void shuffleFollowsRandomSeed() {
        Random.seed(42);
        String a = show(epoch(NDArrayIter.builder().data(data(20)).label(labels(20)).batchSize(5).shuffle(true).build()));
        Random.seed(42);
        String b = show(epoch(NDArrayIter.builder().data(data(20)).label(labels(20)).batchSize(5).shuffle(true).build()));
        assertEquals(a, b);
        Random.seed(43);
        String c = show(epoch(NDArrayIter.builder().data(data(20)).label(labels(20)).batchSize(5).shuffle(true).build()));
        assertNotEquals(a, c);
    }

    private static List<Integer> sortedIds(List<int[]> batches) {
        List<Integer> ids = new ArrayList<>();
        for (int[] b : batches) for (int i = 0; i < b.length - 1; i++) ids.add(b[i]);
        ids.sort(null);
        return ids;
    }

    @Test
    void namesFollowMXNet() {
        NDArrayIter single = new NDArrayIter(data(4), labels(4), 2);
        assertEquals("[DataDesc[data,(2, 2),float32,NCHW]]", single.provideData().toString());
        assertEquals("[DataDesc[softmax_label,(2,),float32,NCHW]]", single.provideLabel().toString());

        NDArray ints = NDArray.array(new int[] {1, 2, 3, 4}, Shape.of(4), Context.cpu());
        NDArrayIter list = NDArrayIter.builder().data(List.of(data(4), ints)).label(List.of(labels(4))).batchSize(2)
                .dataName("x").labelName("y").build();
        assertEquals(List.of("_0_x", "_1_x"), list.provideData().stream().map(DataDesc::name).toList());
        assertEquals(DType.INT32, list.provideData().get(1).dtype());
        assertEquals(List.of("y"), list.provideLabel().stream().map(DataDesc::name).toList());

        Map<String, NDArray> named = new LinkedHashMap<>();
        named.put("zeta", labels(4));
        named.put("alpha", data(4));
        NDArrayIter map = NDArrayIter.builder().data(named).label(Map.of("l1", labels(4), "l0", labels(4))).batchSize(3).build();
        assertEquals("[DataDesc[alpha,(3, 2),float32,NCHW], DataDesc[zeta,(3,),float32,NCHW]]", map.provideData().toString());
        assertEquals(List.of("l0", "l1"), map.provideLabel().stream().map(DataDesc::name).toList());
        DataBatch last = null;
        for (DataBatch b : map) last = b;
        assertEquals(1, map.batchSize() - 2);
        assertEquals(2, last.pad());
        assertArrayEquals(new float[] {3, 103, 0, 100, 1, 101}, last.data().get(0).toFloatArray());
        assertArrayEquals(new float[] {3, 0, 1}, last.data().get(1).toFloatArray());
        assertEquals(2, last.label().size());
    }

    @Test
    void iterNextAndTheGettersFollowTheCurrentBatch() {
        NDArrayIter it = new NDArrayIter(data(5), labels(5), 2);
        assertThrows(IllegalStateException.class, it::getData);
        assertTrue(it.iterNext());
        assertArrayEquals(new float[] {0, 1}, it.getLabel().get(0).toFloatArray());
        DataBatch b = it.next();
        assertSame(b.data(), it.getData());
        assertTrue(it.iterNext());
        assertEquals(1, it.getPad());
        assertArrayEquals(new float[] {4, 104, 0, 100}, it.getData().get(0).toFloatArray());
        assertNull(it.getIndex());
        assertFalse(it.iterNext());
        assertThrows(IllegalStateException.class, it::getPad);
        it.reset();
        assertTrue(it.iterNext());
        assertArrayEquals(new float[] {0, 1}, it.getLabel().get(0).toFloatArray());
    }

    @Test
    void rejectsInconsistentInputs() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new NDArrayIter(data(4), labels(5), 2));
        assertTrue(e.getMessage().contains("5 examples"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NDArrayIter.builder().batchSize(2).build());
        assertThrows(IllegalArgumentException.class, () -> new NDArrayIter(data(4), null, 0));
        assertThrows(IllegalArgumentException.class, () -> NDArrayIter.LastBatchHandle.parse("wrap"));
        NDArrayIter it = new NDArrayIter(data(2), null, 2);
        it.next();
        assertFalse(it.hasNext());
        assertThrows(java.util.NoSuchElementException.class, it::next);
    }
}
