package dev.mxj.executor;

import dev.mxj.Context;
import dev.mxj.ndarray.NDArray;
import dev.mxj.ndarray.NDScope;
import dev.mxj.op.DType;
import dev.mxj.op.Shape;

import java.util.ArrayList;
import java.util.List;

/**
 * The raw buffers behind executors' planned memory, shared by the executors of one bucketing
 * group (MXNet's {@code shared_exec} pool): a new executor lays its plan's buffers onto blocks
 * already in the pool when they are large enough and adds the rest, so the largest bucket's
 * memory serves every bucket. Blocks are released when the last executor using the pool closes.
 * Executors sharing a pool overwrite each other's intermediate values, as in MXNet: run one at a
 * time (the engine still orders their operations correctly).
 */
final class SharedPool {
    private final List<NDArray> blocks = new ArrayList<>();
    private int refs;

    synchronized SharedPool retain() {
        refs++;
        return this;
    }

    /**
     * One block per requested size and context, distinct blocks for distinct requests: the
     * smallest unused pool block on that context that fits each (largest requests first), else a
     * new block added to the pool.
     */
    synchronized NDArray[] assign(long[] sizes, Context[] ctxs) {
        Integer[] idx = new Integer[sizes.length];
        for (int i = 0; i < idx.length; i++) idx[i] = i;
        java.util.Arrays.sort(idx, (a, b) -> Long.compare(sizes[b], sizes[a]));
        java.util.BitSet used = new java.util.BitSet();
        NDArray[] r = new NDArray[sizes.length];
        for (int i : idx) {
            int best = -1;
            for (int k = 0; k < blocks.size(); k++) {
                if (used.get(k) || !blocks.get(k).context().equals(ctxs[i])) continue;
                long s = blocks.get(k).size();
                if (s >= sizes[i] && (best < 0 || s < blocks.get(best).size())) best = k;
            }
            if (best < 0) {
                blocks.add(NDScope.detach(NDArray.empty(Shape.of(Math.max(1, sizes[i])), DType.UINT8, ctxs[i])));
                best = blocks.size() - 1;
            }
            used.set(best);
            r[i] = blocks.get(best);
        }
        return r;
    }

    /** Bytes held by the pool. */
    synchronized long bytes() {
        long s = 0;
        for (NDArray b : blocks) s += b.size();
        return s;
    }

    synchronized void release() {
        if (--refs > 0) return;
        for (NDArray b : blocks) b.close();
        blocks.clear();
    }
}
