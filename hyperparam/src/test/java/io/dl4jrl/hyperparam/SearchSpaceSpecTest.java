package io.dl4jrl.hyperparam;

import org.deeplearning4j.arbiter.optimize.parameter.BooleanSpace;
import org.deeplearning4j.arbiter.optimize.parameter.continuous.ContinuousParameterSpace;
import org.deeplearning4j.arbiter.optimize.parameter.discrete.DiscreteParameterSpace;
import org.deeplearning4j.arbiter.optimize.parameter.integer.IntegerParameterSpace;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SearchSpaceSpecTest {

    @Test
    void eachSyntaxMakesArbitersSpace() {
        SearchSpaceSpec lr = SearchSpaceSpec.parse("lr=loguniform:1e-5:1e-3");
        assertEquals(RlHyperparameter.LEARNING_RATE, lr.hyperparameter());
        ContinuousParameterSpace c = assertInstanceOf(ContinuousParameterSpace.class, lr.space());
        c.setIndices(0);
        assertEquals(1e-4, c.getValue(new double[]{0.5}), 1e-12); // the log-uniform median

        ContinuousParameterSpace clip = assertInstanceOf(ContinuousParameterSpace.class, SearchSpaceSpec.parse("clipEpsilon=uniform:0.1:0.3").space());
        clip.setIndices(0);
        assertEquals(0.2, clip.getValue(new double[]{0.5}), 1e-12);

        assertInstanceOf(IntegerParameterSpace.class, SearchSpaceSpec.parse("vineRollouts=int:3:9").space());
        assertInstanceOf(BooleanSpace.class, SearchSpaceSpec.parse("opo=bool").space());

        DiscreteParameterSpace<?> g = assertInstanceOf(DiscreteParameterSpace.class, SearchSpaceSpec.parse("groupSize=4, 8").space());
        g.setIndices(0);
        assertEquals(8, g.getValue(new double[]{0.9}));
        DiscreteParameterSpace<?> a = assertInstanceOf(DiscreteParameterSpace.class, SearchSpaceSpec.parse("ALGORITHM=grpo,opo").space());
        a.setIndices(0);
        assertEquals("opo", a.getValue(new double[]{0.9}));
        DiscreteParameterSpace<?> kl = assertInstanceOf(DiscreteParameterSpace.class, SearchSpaceSpec.parse("klCoefficient=0,0.02").space());
        kl.setIndices(0);
        assertEquals(0.0, kl.getValue(new double[]{0.1}));
    }

    @Test
    void badSpecsSayWhatIsWrong() {
        assertMessage("lr", "expected KEY=SPEC");
        assertMessage("speed=1,2", "unknown hyperparameter 'speed'; known: algorithm, opo, learningRate");
        assertMessage("lr=loguniform:1e-5", "expected loguniform:LOW:HIGH");
        assertMessage("lr=loguniform:0:1e-3", "loguniform needs LOW > 0");
        assertMessage("lr=uniform:1e-3:1e-5", "LOW must be below HIGH");
        assertMessage("groupSize=uniform:2:8", "groupSize is an integer");
        assertMessage("groupSize=4,eight", "'eight' is not an integer");
        assertMessage("algorithm=grpo,dqn", "unknown algorithm 'dqn'");
        assertMessage("opo=int:0:1", "opo is not an integer hyperparameter");
        assertMessage("lr=bool", "learningRate is not a boolean hyperparameter");
        assertMessage("lr=1e-4,,1e-3", "empty value");
    }

    private static void assertMessage(String spec, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SearchSpaceSpec.parse(spec));
        assertTrue(e.getMessage().startsWith("search space '" + spec + "'") && e.getMessage().contains(expected), e.getMessage());
    }
}
