package dev.mxj.interop;

import dev.mxj.ndarray.NDArray;
import dev.mxj.op.Attrs;
import dev.mxj.op.OpRegistry;
import dev.mxj.op.defs.ShapeMath;

import java.util.Map;

/**
 * Views front ends create with MXNet's rules, computed where the operators compute them so the
 * two cannot disagree.
 */
public final class NDViews {
    private NDViews() {}

    /**
     * {@code NDArray.reshape(*shape, reverse=False)} of MXNet: a view with the target shape given
     * with the Reshape operator's special codes (0 copy, -1 infer, -2 copy the rest, -3 merge two,
     * -4 split one), read right to left when {@code reverse}.
     */
    public static NDArray reshape(NDArray a, long[] codes, boolean reverse) {
        Attrs attrs = OpRegistry.global().get("Reshape").parseAttrs(Map.of("shape", codes, "reverse", reverse));
        return a.reshape(ShapeMath.reshape(attrs, a.shape()));
    }
}
