package dev.mxj.interop;

import dev.mxj.ndarray.NDArray;
import dev.mxj.op.OperatorException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class InteropTest {
    @Test
    void invokerCallsWithParsedParameters() {
        OpInvoker plus1 = OpInvoker.of("_plus_scalar", new String[] {"scalar"}, new String[] {"1"});
        assertArrayEquals(new float[] {2, 3}, plus1.call1(NDArray.array(new float[] {1, 2})).toFloatArray());
        OpInvoker add = OpInvoker.of("elemwise_add", new String[0], new String[0]);
        NDArray out = NDArray.zeros(2);
        add.invokeInto(new NDArray[] {NDArray.array(new float[] {1, 2}), NDArray.array(new float[] {3, 4})}, new NDArray[] {out});
        assertArrayEquals(new float[] {4, 6}, out.toFloatArray());
    }

    @Test
    void badParametersFailWhenTheInvokerIsMade() {
        var e = assertThrows(OperatorException.class, () -> OpInvoker.of("Activation", new String[] {"act_type"}, new String[] {"nope"}));
        assertTrue(e.getMessage().contains("act_type") && e.getMessage().contains("nope"), e.getMessage());
        assertThrows(RuntimeException.class, () -> OpInvoker.of("no_such_op", new String[0], new String[0]));
    }

    @Test
    void catalogueDescribesEveryName() {
        var all = OpCatalog.entries();
        assertTrue(all.size() > 400, "aliases included: " + all.size());
        var fc = OpCatalog.info("FullyConnected");
        assertEquals(java.util.List.of("data", "weight", "bias"), fc.inputs());
        assertEquals(java.util.List.of("data", "sequence_length"), OpCatalog.info("SequenceMask").inputs(),
                "inputs read only under a boolean parameter are listed, as MXNet's functions do");
        var nh = fc.params().stream().filter(p -> p.name().equals("num_hidden")).findFirst().orElseThrow();
        assertTrue(nh.required());
        var concat = OpCatalog.info("concat");
        assertEquals("Concat", concat.canonicalName());
        assertEquals("num_args", concat.numArgsParam());
    }

    @Test
    void invokerKnowsInputNamesAndVisibleOutputs() {
        OpInvoker fc = OpInvoker.of("FullyConnected", new String[] {"num_hidden", "no_bias"}, new String[] {"4", "True"});
        assertEquals(java.util.List.of("data", "weight"), fc.inputNames());
        assertEquals(1, fc.numVisibleOutputs());
        OpInvoker split = OpInvoker.of("split", new String[] {"num_outputs"}, new String[] {"3"});
        assertEquals(3, split.numVisibleOutputs());
        OpInvoker concat = OpInvoker.of("Concat", new String[] {"num_args"}, new String[] {"2"});
        assertEquals(java.util.List.of("arg0", "arg1"), concat.inputNames());
    }

    @Test
    void reshapeViewsUseMxnetCodes() {
        NDArray x = NDArray.arange(24).reshape(2, 3, 4);
        assertEquals(dev.mxj.op.Shape.of(6, 4), NDViews.reshape(x, new long[] {-3, -2}, false).shape());
        assertEquals(dev.mxj.op.Shape.of(1, 2, 3, 4), NDViews.reshape(x, new long[] {-4, 1, 2, -2}, false).shape());
        assertEquals(dev.mxj.op.Shape.of(6, 4), NDViews.reshape(x, new long[] {-1, 0}, true).shape());
        NDArray v = NDViews.reshape(x, new long[] {-1}, false);
        assertTrue(v.sharesMemoryWith(x), "a view, not a copy");
        assertThrows(RuntimeException.class, () -> NDViews.reshape(x, new long[] {5, 5}, false));
    }
}
