package dev.mxj.device.conformance;

import dev.mxj.device.Device;
import dev.mxj.device.Kernel;
import dev.mxj.device.OpContext;
import dev.mxj.device.OpReq;
import dev.mxj.device.Storage;
import dev.mxj.device.Tensor;
import dev.mxj.op.Attrs;
import dev.mxj.op.DType;
import dev.mxj.op.OpDef;
import dev.mxj.op.OpRegistry;
import dev.mxj.op.Shape;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * Runs one operator on one device, synchronously and without the engine: infer shapes and
 * types, allocate, copy inputs in, call the device's kernel, copy outputs back. The harness
 * behind per-operator tests, gradient checks and the plugin conformance kit.
 */
public final class OpRunner {
    private final Device device;
    private final OpRegistry registry;

    public OpRunner(Device device) { this(device, OpRegistry.global()); }

    public OpRunner(Device device, OpRegistry registry) {
        this.device = device;
        this.registry = registry;
    }

    public Device device() { return device; }

    /** Outputs of a run, plus the final values of inputs the operator mutates (by input index). */
    public record Result(List<HostArray> outputs, Map<Integer, HostArray> mutated) {
        public HostArray output(int i) { return outputs.get(i); }
    }

    /** Parse parameters the way an imperative call does: the variadic count is filled in from the inputs. */
    public Attrs attrs(String opName, Map<String, ?> params, int numInputs) {
        OpDef op = registry.get(opName);
        Map<String, Object> p = new LinkedHashMap<>(params);
        if (op.keyVarNumArgs() != null && !p.containsKey(op.keyVarNumArgs())) p.put(op.keyVarNumArgs(), numInputs);
        return op.parseAttrs(p);
    }

    public Result run(String opName, Map<String, ?> params, List<HostArray> inputs, boolean train, long seed) {
        return run(attrs(opName, params, inputs.size()), inputs, train, seed);
    }

    public Result run(Attrs attrs, List<HostArray> inputs, boolean train, long seed) {
        return run(attrs, inputs, train, seed, null);
    }

    /**
     * Run with {@link OpReq#ADD} when {@code addTo} is given: outputs start with those values and
     * the kernel must add its result to them (how gradients accumulate).
     */
    public Result run(Attrs attrs, List<HostArray> inputs, boolean train, long seed, List<HostArray> addTo) {
        OpDef op = attrs.op();
        int nIn = op.numInputs(attrs);
        if (inputs.size() != nIn) {
            throw new IllegalArgumentException("Operator " + op.name() + " expects " + nIn + " inputs " + op.inputNames(attrs) + ", got " + inputs.size());
        }
        Shape[] inShapes = new Shape[nIn];
        DType[] inTypes = new DType[nIn];
        for (int i = 0; i < nIn; i++) { inShapes[i] = inputs.get(i).shape(); inTypes[i] = inputs.get(i).dtype(); }
        Shape[] outShapes = op.inferOutputShapes(attrs, inShapes);
        DType[] outTypes = op.inferOutputTypes(attrs, inTypes);
        Kernel k = device.kernels().get(op.name());
        if (k == null) throw new UnsupportedOperationException(device + " has no kernel for operator " + op.name());

        List<Storage> owned = new ArrayList<>();
        try {
            Tensor[] in = new Tensor[nIn];
            for (int i = 0; i < nIn; i++) {
                HostArray h = inputs.get(i);
                Storage s = alloc(h.byteSize(), owned);
                upload(h, s);
                in[i] = new Tensor(s, 0, h.shape(), h.dtype());
            }
            Tensor[] out = new Tensor[outShapes.length];
            OpReq[] req = new OpReq[outShapes.length];
            for (int i = 0; i < out.length; i++) {
                Storage s = alloc(outShapes[i].size() * outTypes[i].byteSize(), owned);
                out[i] = new Tensor(s, 0, outShapes[i], outTypes[i]);
                req[i] = addTo == null ? OpReq.WRITE : OpReq.ADD;
                if (addTo != null) upload(addTo.get(i), s);
            }
            RandomGenerator rng = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
            OpContext ctx = new OpContext() {
                @Override public Device device() { return device; }
                @Override public boolean isTrain() { return train; }
                @Override public RandomGenerator random() { return rng; }
                @Override public Storage tempSpace(long bytes) { return alloc(bytes, owned); }
                @Override public Object stream() { return null; }
            };
            k.compute(ctx, attrs, in, req, out);
            device.synchronize();
            List<HostArray> results = new ArrayList<>();
            for (Tensor t : out) results.add(toHost(t));
            Map<Integer, HostArray> mutated = new LinkedHashMap<>();
            for (int idx : op.mutateInputs(attrs)) mutated.put(idx, toHost(in[idx]));
            return new Result(results, mutated);
        } finally {
            for (Storage s : owned) device.release(s);
        }
    }

    private Storage alloc(long bytes, List<Storage> owned) {
        Storage s = device.allocate(Math.max(bytes, 1));
        owned.add(s);
        return s;
    }

    private void upload(HostArray h, Storage s) {
        try (var tmp = java.lang.foreign.Arena.ofConfined()) {
            var seg = tmp.allocate(Math.max(1, h.byteSize()), 64);
            h.writeTo(seg);
            device.copyFromHost(seg, s, 0, h.byteSize());
        }
    }

    private HostArray toHost(Tensor t) {
        try (var tmp = java.lang.foreign.Arena.ofConfined()) {
            var seg = tmp.allocate(Math.max(1, t.byteSize()), 64);
            device.copyToHost(t.storage(), t.byteOffset(), seg, t.byteSize());
            return HostArray.readFrom(seg, t.shape(), t.dtype());
        }
    }
}
