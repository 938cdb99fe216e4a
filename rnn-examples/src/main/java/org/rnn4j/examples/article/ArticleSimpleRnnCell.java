package org.rnn4j.examples.article;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.rnn4j.api.Cell;
import org.rnn4j.api.Parameters;
import org.rnn4j.api.State;
import org.rnn4j.nd4j.cell.CellChecks;
import org.rnn4j.nd4j.internal.Activations;
import org.rnn4j.nd4j.internal.ParameterOwner;

/** One step of {@link ArticleSimpleRnn} and its backward. */
final class ArticleSimpleRnnCell extends ParameterOwner implements Cell {
    private final ArticleSimpleRnn spec;

    ArticleSimpleRnnCell(ArticleSimpleRnn spec, Parameters parameters, Parameters gradients) {
        super(parameters, gradients, spec.layout());
        this.spec = spec;
    }

    @Override
    public Step forward(State previous, INDArray x) {
        long batch = CellChecks.input(x, spec.inputSize(), dataType()).size(0);
        INDArray h = CellChecks.state(previous, 1, batch, spec.hiddenSize(), dataType()).hidden();

        INDArray combined = Nd4j.hstack(x, h);
        INDArray hNext = combined.mmul(p("i2h.weight").transpose()).addiRowVector(p("i2h.bias"));
        Activations.applyInPlace(org.rnn4j.api.Activation.TANH, hNext);
        INDArray y = combined.mmul(p("i2o.weight").transpose()).addiRowVector(p("i2o.bias"));
        return new Step(State.of(h), x, State.of(hNext), y, new INDArray[] {combined});
    }

    @Override
    public StepGradient backward(Step step, INDArray dy, State dNext) {
        INDArray combined = step.saved()[0];
        INDArray hNext = step.next().hidden();
        INDArray dCombined = Nd4j.zerosLike(combined);
        if (dy != null) {
            g("i2o.weight").addi(dy.transpose().mmul(combined));
            g("i2o.bias").addi(dy.sum(0));
            dCombined.addi(dy.mmul(p("i2o.weight")));
        }
        if (dNext != null) {
            INDArray dPre = Activations.multiplyByDerivative(org.rnn4j.api.Activation.TANH, dNext.hidden().dup(),
                    hNext);
            g("i2h.weight").addi(dPre.transpose().mmul(combined));
            g("i2h.bias").addi(dPre.sum(0));
            dCombined.addi(dPre.mmul(p("i2h.weight")));
        }
        int in = spec.inputSize();
        INDArray dx = dCombined.get(NDArrayIndex.all(), NDArrayIndex.interval(0, in)).dup();
        INDArray dh = dCombined.get(NDArrayIndex.all(), NDArrayIndex.interval(in, in + spec.hiddenSize())).dup();
        return new StepGradient(State.of(dh), dx);
    }

    private INDArray p(String name) {
        return parameters.get(name);
    }

    private INDArray g(String name) {
        return gradients.get(name);
    }

    @Override
    public int inputSize() {
        return spec.inputSize();
    }

    @Override
    public int hiddenSize() {
        return spec.hiddenSize();
    }

    @Override
    public int outputSize() {
        return spec.outputSize();
    }

    @Override
    public int stateArity() {
        return 1;
    }



}
