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
 *
 * <p>It uses the creation operators, views, in-place assignment and dtype conversion, which is
 * what the runtime provides on its own; arithmetic such as {@code dot}/{@code relu}/{@code sum}
 * comes with the math operator family and is used here once that family is part of the build.
 */
public final class QuickStart {
    private QuickStart() {}

    public static void main(String[] args) throws IOException {
        Path file = args.length > 0 ? Path.of(args[0]) : Files.createTempFile("mxj-quickstart", ".params");
        try (NDScope scope = NDScope.open()) {            // frees every array created inside
            Context ctx = Context.defaultContext();
            NDArray x = NDArray.array(new float[][] {{1, 2, 3}, {4, 5, 6}}, ctx);
            System.out.println("x on " + x.context() + ":" + x);

            NDArray grid = NDArray.arange(0, 12, 1).reshape(3, 4);  // a view of the arange result
            grid.at(1).set(NDArray.linspace(0, 1, 4));               // row 1 = [0, 1/3, 2/3, 1] in place
            grid.slice(2, 3).set(-1);                                // the last row filled with -1
            NDArray identity = Nd.eye(3, 0L, 0L, ctx, DType.FLOAT64);
            NDArray counts = grid.asType(DType.INT32);               // C-style conversion to integers

            Map<String, NDArray> params = new LinkedHashMap<>();
            params.put("x", x);
            params.put("grid", grid);
            params.put("identity", identity);
            params.put("counts", counts);
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
