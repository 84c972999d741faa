package dev.mxj.examples;

import dev.mxj.Context;
import dev.mxj.Random;
import dev.mxj.autograd.Autograd;
import dev.mxj.initializer.Initializer;
import dev.mxj.io.DataBatch;
import dev.mxj.io.DataIter;
import dev.mxj.io.FashionMnist;
import dev.mxj.metric.EvalMetric;
import dev.mxj.metric.Metric;
import dev.mxj.ndarray.NDArray;
import dev.mxj.ndarray.NDScope;
import dev.mxj.ndarray.Nd;
import dev.mxj.op.DType;
import dev.mxj.op.Shape;
import dev.mxj.optimizer.Optimizer;
import dev.mxj.optimizer.Updater;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Trains a 784-256-128-10 ReLU perceptron with Adam on Fashion-MNIST from Java: the imperative
 * MXNet style (autograd records the forward pass, {@code backward} fills the gradients, an
 * {@link Updater} applies Adam). Prints per-epoch loss, accuracies and throughput.
 *
 * <pre>./mxj fashion-mnist [--data DIR] [--epochs 10] [--batch-size 128] [--lr 0.001] [--seed 42]</pre>
 *
 * The data comes from {@code --data}, {@code MXJ_DATA_DIR} or Debian's {@code dataset-fashion-mnist}.
 */
public final class FashionMnistMlp {
    /** Command-line options with their defaults. */
    public record Options(Path data, int epochs, int batchSize, double lr, int seed) {
        public static Options parse(String[] args) {
            Path data = null;
            int epochs = 10, batch = 128, seed = 42;
            double lr = 0.001;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (i + 1 >= args.length) throw new IllegalArgumentException("option " + a + " needs a value");
                String v = args[++i];
                switch (a) {
                    case "--data" -> data = Path.of(v);
                    case "--epochs" -> epochs = Integer.parseInt(v);
                    case "--batch-size" -> batch = Integer.parseInt(v);
                    case "--lr" -> lr = Double.parseDouble(v);
                    case "--seed" -> seed = Integer.parseInt(v);
                    default -> throw new IllegalArgumentException("unknown option " + a + " (expected --data, --epochs, --batch-size, --lr, --seed)");
                }
            }
            if (epochs < 1 || batch < 1 || !(lr > 0)) throw new IllegalArgumentException("--epochs and --batch-size must be >= 1 and --lr > 0");
            return new Options(data, epochs, batch, lr, seed);
        }
    }

    /** What one epoch reached. */
    public record EpochResult(int epoch, double loss, double trainAccuracy, double testAccuracy, double samplesPerSecond) {}

    private static final int[] LAYERS = {784, 256, 128, 10};

    private FashionMnistMlp() {}

    public static void main(String[] args) {
        train(Options.parse(args));
    }

    /** Train as the options say; returns each epoch's figures (the last holds the final test accuracy). */
    public static List<EpochResult> train(Options o) {
        FashionMnist data = FashionMnist.locate(o.data());
        Random.seed(o.seed());
        Context ctx = Context.cpu();
        List<NDArray> params = new ArrayList<>();
        Initializer xavier = Initializer.create("xavier");
        for (int l = 0; l + 1 < LAYERS.length; l++) {
            NDArray w = NDArray.empty(Shape.of(LAYERS[l + 1], LAYERS[l]), DType.FLOAT32, ctx);
            NDArray b = NDArray.empty(Shape.of(LAYERS[l + 1]), DType.FLOAT32, ctx);
            xavier.call("fc" + l + "_weight", w);   // names pick the rule: weights Xavier, biases zero
            xavier.call("fc" + l + "_bias", b);
            params.add(w.attachGrad());
            params.add(b.attachGrad());
        }
        Updater updater = Optimizer.getUpdater(Optimizer.create("adam",
                Map.of("learning_rate", o.lr(), "rescale_grad", 1.0 / o.batchSize())));

        List<EpochResult> results = new ArrayList<>();
        try (DataIter train = data.train().batchSize(o.batchSize()).flat(true).shuffle(true).seed(o.seed()).build();
             DataIter test = data.test().batchSize(o.batchSize()).flat(true).build()) {
            EvalMetric trainAcc = Metric.create("acc");
            for (int epoch = 1; epoch <= o.epochs(); epoch++) {
                train.reset();
                trainAcc.reset();
                double lossSum = 0;
                long samples = 0, t0 = System.nanoTime();
                for (DataBatch batch : train) {
                    try (NDScope step = NDScope.open(); batch) {
                        NDArray x = batch.data().get(0), y = batch.label().get(0);
                        NDArray out, loss;
                        try (var rec = Autograd.record()) {
                            out = forward(x, params);
                            loss = Nd.softmaxCrossEntropy(out, y);   // summed over the batch
                        }
                        loss.backward();
                        for (int i = 0; i < params.size(); i++) updater.call(i, params.get(i).grad(), params.get(i));
                        trainAcc.update(y, out);
                        lossSum += loss.asScalar();
                        samples += x.shape().dim(0);
                    }
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                double testAcc = evaluate(test, params);
                EpochResult r = new EpochResult(epoch, lossSum / samples, trainAcc.get().value(), testAcc, samples / seconds);
                results.add(r);
                System.out.printf(Locale.ROOT, "epoch %d: loss %.4f, train accuracy %.4f, test accuracy %.4f, %,.0f samples/s (%.1f s)%n",
                        epoch, r.loss(), r.trainAccuracy(), r.testAccuracy(), r.samplesPerSecond(), seconds);
            }
        } finally {
            for (NDArray p : params) p.close();
        }
        return results;
    }

    /** Three fully connected layers, ReLU between them; returns the logits. */
    static NDArray forward(NDArray x, List<NDArray> params) {
        NDArray h = x;
        int layers = LAYERS.length - 1;
        for (int l = 0; l < layers; l++) {
            h = Nd.fullyConnected(h, params.get(2 * l), params.get(2 * l + 1), LAYERS[l + 1]);
            if (l + 1 < layers) h = Nd.activation(h, "relu");
        }
        return h;
    }

    private static double evaluate(DataIter test, List<NDArray> params) {
        EvalMetric acc = Metric.create("acc");
        test.reset();
        for (DataBatch batch : test) {
            try (NDScope step = NDScope.open(); batch) {
                acc.update(batch.label().get(0), forward(batch.data().get(0), params));
            }
        }
        return acc.get().value();
    }
}
