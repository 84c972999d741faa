package dev.mxj.parity;

import dev.mxj.device.conformance.HostArray;
import dev.mxj.model.Model;
import dev.mxj.ndarray.NDArray;
import dev.mxj.ndarray.NDScope;
import dev.mxj.op.DType;
import dev.mxj.op.Shape;
import dev.mxj.symbol.Symbol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Checkpoints ({@code prefix-symbol.json} + {@code prefix-%04d.params} with {@code arg:}/{@code aux:}
 * names, as {@code mx.model.save_checkpoint} writes them) both ways: a checkpoint written through
 * MXNet's C API loads with mxj's {@link Model#loadCheckpoint}, and one written by
 * {@link Model#saveCheckpoint} loads in MXNet ({@code MXSymbolCreateFromJSON}, {@code MXNDArrayLoad})
 * with the same arguments, auxiliary states, names and values. The network has a BatchNorm, so
 * both kinds of parameters occur.
 */
class CheckpointParityTest {
    private static final int EPOCH = 7;

    private static SymbolJsonParityTest.Net net() {
        return SymbolJsonParityTest.nets().stream().filter(n -> n.name().equals("conv-bn")).findFirst().orElseThrow();
    }

    /** Parameter values for every argument that is not a data/label input and every auxiliary state. */
    private static Map<String, HostArray> parameters(MXNet.Sym sym, SymbolJsonParityTest.Net net) {
        MXNet.InferredShapes shapes = sym.inferShape(net.variables(), false);
        SplittableRandom rng = new SplittableRandom(11);
        Map<String, HostArray> m = new LinkedHashMap<>();
        List<String> args = sym.arguments(), aux = sym.auxiliaryStates();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (net.variables().containsKey(a) || a.endsWith("_label")) continue;
            m.put("arg:" + a, HostArray.random(Shape.of(shapes.arguments().get(i)), DType.FLOAT32, -1, 1, rng));
        }
        for (int i = 0; i < aux.size(); i++) {
            m.put("aux:" + aux.get(i), HostArray.random(Shape.of(shapes.auxiliaryStates().get(i)), DType.FLOAT32, 0.1, 2, rng));
        }
        return m;
    }

    @Test
    void checkpointsWrittenByMXNetLoadInMxj(@TempDir Path dir) throws IOException {
        MXNet mx = Bridge.mxnet();
        SymbolJsonParityTest.Net net = net();
        String prefix = dir.resolve("mxnet-net").toString();
        Map<String, HostArray> want;
        List<String> arguments, auxiliary;
        try (MXNet.Sym sym = SymbolJsonParityTest.buildInMXNet(mx, net)) {
            want = parameters(sym, net);
            arguments = sym.arguments();
            auxiliary = sym.auxiliaryStates();
            Files.writeString(Model.symbolFile(prefix), sym.toJson());
        }
        List<MXNet.Array> arrays = new ArrayList<>();
        try {
            for (HostArray h : want.values()) arrays.add(Bridge.toMx(mx, h));
            mx.save(Model.paramsFile(prefix, EPOCH), arrays, new ArrayList<>(want.keySet()));
        } finally {
            for (MXNet.Array a : arrays) a.close();
        }

        try (NDScope scope = NDScope.open()) {
            Model.Checkpoint cp = Model.loadCheckpoint(prefix, EPOCH);
            assertEquals(arguments, cp.symbol().listArguments());
            assertEquals(auxiliary, cp.symbol().listAuxiliaryStates());
            Map<String, NDArray> got = new LinkedHashMap<>();
            cp.argParams().forEach((k, v) -> got.put("arg:" + k, v));
            cp.auxParams().forEach((k, v) -> got.put("aux:" + k, v));
            assertEquals(want.keySet(), got.keySet());
            for (var e : want.entrySet()) assertArrayEquals(e.getValue().data(), Bridge.fromMxj(got.get(e.getKey())).data(), e.getKey());
        }
        passed("MXNet -> mxj");
    }

    @Test
    void checkpointsWrittenByMxjLoadInMXNet(@TempDir Path dir) throws IOException {
        MXNet mx = Bridge.mxnet();
        SymbolJsonParityTest.Net net = net();
        String prefix = dir.resolve("mxj-net").toString();
        Map<String, HostArray> want;
        Symbol ours;
        try (MXNet.Sym sym = SymbolJsonParityTest.buildInMXNet(mx, net)) {
            want = parameters(sym, net);
            ours = Symbol.fromJson(sym.toJson());
        }
        try (NDScope scope = NDScope.open()) {
            Map<String, NDArray> args = new LinkedHashMap<>(), aux = new LinkedHashMap<>();
            for (var e : want.entrySet()) {
                String k = e.getKey();
                (k.startsWith("arg:") ? args : aux).put(k.substring(4), Bridge.toMxj(e.getValue()));
            }
            Model.saveCheckpoint(prefix, EPOCH, ours, args, aux);
        }

        try (MXNet.Sym theirs = mx.fromJson(Files.readString(Model.symbolFile(prefix)))) {
            assertEquals(ours.listArguments(), theirs.arguments());
            assertEquals(ours.listAuxiliaryStates(), theirs.auxiliaryStates());
        }
        MXNet.Loaded got = mx.load(Model.paramsFile(prefix, EPOCH));
        try {
            assertEquals(new ArrayList<>(want.keySet()).stream().sorted().toList(), got.names().stream().sorted().toList());
            for (int i = 0; i < got.names().size(); i++) {
                String name = got.names().get(i);
                assertArrayEquals(want.get(name).data(), Bridge.fromMx(got.arrays().get(i)).data(), name);
            }
        } finally {
            for (MXNet.Array a : got.arrays()) a.close();
        }
        passed("mxj -> MXNet");
    }

    private static final java.util.Set<String> PASSED = new java.util.TreeSet<>();

    private static synchronized void passed(String direction) {
        PASSED.add(direction);
        ParitySummary.put("checkpoints", "prefix-symbol.json + prefix-%04d.params (arg:/aux:) load " + PASSED + " with equal listings and values");
    }
}
