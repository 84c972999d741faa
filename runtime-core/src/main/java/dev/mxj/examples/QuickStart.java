package dev.mxj.examples;

import dev.mxj.Context;
import dev.mxj.ndarray.NDArray;
import dev.mxj.ndarray.NDScope;
import dev.mxj.ndarray.NDSerializer;
import dev.mxj.ndarray.Nd;
import dev.mxj.op.DType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Java quick start: build arrays, compute, save them in MXNet's {@code .params} format,
 * load them back and print them. Run with {@code ./mxj quickstart [file.params]}.
 */
public final class QuickStart {
    private QuickStart() {}

    public static void main(String[] args) throws IOException {
        Path file = args.length > 0 ? Path.of(args[0]) : Files.createTempFile("mxj-quickstart", ".params");
        try (NDScope scope = NDScope.open()) {            // frees every array created inside
            Context ctx = Context.defaultContext();
            NDArray x = NDArray.array(new float[][] {{1, -2, 3}, {-4, 5, -6}}, ctx);
            System.out.println("x on " + x.context() + ":" + x);

            // compute: operations are queued on the engine and run asynchronously
            NDArray w = NDArray.arange(0, 6, 1).reshape(3, 2).sub(2.5);   // [[-2.5 -1.5] [-0.5 0.5] [1.5 2.5]]
            NDArray hidden = x.dot(w).relu();                              // generated operator methods
            NDArray total = hidden.sum();
            NDArray scaled = hidden.mul(total.rdiv(1));                    // broadcast of a (1,) array
            System.out.println("relu(x . w) =" + hidden);
            System.out.println("sum = " + total.asScalar());               // asScalar waits for the result

            NDArray grid = NDArray.zeros(3, 4);
            grid.at(1).set(NDArray.linspace(0, 1, 4));                     // a row view, written in place
            grid.slice(2, 3).addi(-1);
            NDArray identity = Nd.eye(3, 0L, 0L, ctx, DType.FLOAT64);

            Map<String, NDArray> params = new LinkedHashMap<>();
            params.put("x", x);
            params.put("hidden", hidden);
            params.put("scaled", scaled);
            params.put("grid", grid);
            params.put("identity", identity);
            NDArray.save(file, params);
            System.out.println("saved " + params.keySet() + " to " + file + " (" + Files.size(file) + " bytes)");

            NDSerializer.Loaded loaded = NDArray.load(file);
            for (Map.Entry<String, NDArray> e : loaded.asMap().entrySet()) {
                System.out.println(e.getKey() + " =" + e.getValue());
            }
        } finally {
            if (args.length == 0) Files.deleteIfExists(file);
        }
    }
}
