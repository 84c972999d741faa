package dev.mxj.module;

import dev.mxj.Context;
import dev.mxj.Random;
import dev.mxj.callback.Speedometer;
import dev.mxj.examples.SymbolNetworks;
import dev.mxj.initializer.Xavier;
import dev.mxj.io.FashionMnist;
import dev.mxj.io.DataIter;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The end-to-end check: {@code Module.fit} of an MLP with {@code SoftmaxOutput} on
 * Fashion-MNIST reaches 85% test accuracy in a reduced number of epochs (2; MXNet's classic
 * mnist MLP recipe with Adam). Skips when the data set is absent, fails then on CI (CI=true).
 */
class ModuleFashionMnistTest {
    @Test
    void fitReaches85PercentTestAccuracy() {
        boolean ci = "true".equals(System.getenv("CI"));
        assumeTrue(ci || FashionMnist.isAvailable(), "Fashion-MNIST is not installed (Debian package dataset-fashion-mnist)");
        FashionMnist fm = FashionMnist.locate(null);
        Random.seed(42);
        DataIter train = fm.train().batchSize(100).flat(true).shuffle(true).seed(42).silent(true).build();
        DataIter test = fm.test().batchSize(100).flat(true).silent(true).build();
        List<String> log = new ArrayList<>();
        try (Module m = new Module(SymbolNetworks.mlp(10, 128, 64), List.of("data"), List.of("softmax_label"), Context.cpu(), List.of())) {
            m.setLogger(log::add);
            m.fit(train, new BaseModule.FitArgs().numEpoch(2).evalData(test).initializer(new Xavier()).optimizer("adam")
                    .optimizerParams(Map.of("learning_rate", 0.001)).batchEndCallback(new Speedometer(100, 200, true, log::add, System::nanoTime)));
            double acc = m.score(test, "acc").get(0).getValue();
            System.out.println(String.join("\n", log));
            assertTrue(acc >= 0.85, "test accuracy after 2 epochs: " + acc + "\n" + String.join("\n", log));
        }
    }
}
